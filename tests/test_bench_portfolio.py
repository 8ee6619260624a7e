"""The benchmarks' portfolio has the shape it promises, and every figure of it can be read."""

from decimal import Decimal

from bench.portfolio import Shape, build_portfolio, is_bench_database
from projects.selectors import portfolio_funding
from tests.factories import AgreementFactory


def test_the_benchmark_portfolio_has_its_shape_and_all_its_money_converts(db):
    build_portfolio(20)

    assert Shape.in_database() == Shape.of(20) == Shape(20, 200, 100, 24, organizations=1160)
    funding = portfolio_funding()
    assert funding.agreement_count == 20 and funding.unvalued == ()
    assert funding.total.budget > funding.total.committed > funding.total.disbursed > Decimal(0)
    assert len(funding.by_capability) == 9 and len(funding.by_country) == 10
    assert is_bench_database()
    AgreementFactory(reference="UA-GB-2026-001")
    assert not is_bench_database()  # the benchmark never empties a database holding anything else
