"""An illustrative demo portfolio: invented figures and partly invented organisations, for trying the product.

Dates are relative to the day of seeding, so some milestones are always overdue, some due soon.
"""

from decimal import Decimal as D

ORGANIZATIONS = [
    # slug, name, kind, country
    ("mosi-ua", "Ministry of Strategic Industries of Ukraine", "ministry", "UA"),
    ("mod-ua", "Ministry of Defence of Ukraine", "ministry", "UA"),
    ("afu", "Armed Forces of Ukraine", "armed_force", "UA"),
    ("mod-gb", "UK Ministry of Defence", "ministry", "GB"),
    ("airbus-uk", "Airbus UK", "company", "GB"),
    ("mod-dk", "Danish Ministry of Defence", "ministry", "DK"),
    ("bmvg-de", "German Federal Ministry of Defence", "ministry", "DE"),
    ("mod-nl", "Netherlands Ministry of Defence", "ministry", "NL"),
    ("mod-no", "Norwegian Ministry of Defence", "ministry", "NO"),
    ("dnd-ca", "Department of National Defence (Canada)", "ministry", "CA"),
    ("fmv-se", "Swedish Defence Materiel Administration", "government", "SE"),
    ("dod-us", "US Department of Defense", "ministry", "US"),
    ("eu-edf", "European Defence Fund", "international_body", "BE"),
    ("dnipro-uas", "Dnipro Unmanned Systems (illustrative)", "company", "UA"),
    ("kharkiv-iw", "Kharkiv Interceptor Works (illustrative)", "company", "UA"),
    ("lviv-munitions", "Lviv Munitions Plant (illustrative)", "company", "UA"),
    ("nordic-ad", "Nordic Air Defence AS (illustrative)", "company", "NO"),
    ("odesa-marine", "Odesa Marine Robotics (illustrative)", "company", "UA"),
    ("kyiv-armour", "Kyiv Armour Repair Works (illustrative)", "company", "UA"),
    ("ew-lab", "Zhytomyr EW Laboratory (illustrative)", "company", "UA"),
]

# Ukrainian names, shown when the interface is in Ukrainian (the others have none: they keep their own).
ORGANIZATION_NAMES_UK = {
    "mosi-ua": "Міністерство з питань стратегічних галузей промисловості України",
    "mod-ua": "Міністерство оборони України",
    "afu": "Збройні Сили України",
    "dnipro-uas": "Дніпровські безпілотні системи (вигадана компанія)",
    "kharkiv-iw": "Харківський завод перехоплювачів (вигадана компанія)",
    "lviv-munitions": "Львівський завод боєприпасів (вигадана компанія)",
    "odesa-marine": "Одеська морська робототехніка (вигадана компанія)",
    "kyiv-armour": "Київський бронетанковий ремонтний завод (вигадана компанія)",
    "ew-lab": "Житомирська лабораторія РЕБ (вигадана компанія)",
}

CAPABILITIES = [
    ("strike-drones", "Strike drones"),
    ("interceptor-drones", "Interceptor drones"),
    ("artillery", "Artillery"),
    ("ammunition", "Ammunition"),
    ("air-defence", "Air defence"),
    ("aircraft-maintenance", "Aircraft maintenance"),
    ("armoured-vehicles", "Armoured vehicles"),
    ("electronic-warfare", "Electronic warfare"),
    ("naval-drones", "Naval drones"),
]

# Units of the base currency (EUR) for one unit of each currency, 60 days ago and yesterday.
EXCHANGE_RATES = {
    "GBP": (D("1.16500000"), D("1.17800000")),
    "USD": (D("0.91000000"), D("0.92400000")),
    "DKK": (D("0.13400000"), D("0.13410000")),
    "NOK": (D("0.08600000"), D("0.08520000")),
    "SEK": (D("0.08700000"), D("0.08810000")),
    "CAD": (D("0.66500000"), D("0.66100000")),
    "UAH": (D("0.02210000"), D("0.02190000")),
}

# Illustrative GDP of the donor countries, rounded, in national currency: the year before last and last year
# (relative to the seeding day). Not official statistics; each row is marked illustrative.
GDP = {
    "GB": ("GBP", D("2700000000000"), D("2800000000000")),
    "DK": ("DKK", D("2800000000000"), D("2900000000000")),
    "DE": ("EUR", D("4200000000000"), D("4300000000000")),
    "NL": ("EUR", D("1100000000000"), D("1150000000000")),
    "NO": ("NOK", D("5000000000000"), D("5200000000000")),
    "CA": ("CAD", D("2950000000000"), D("3050000000000")),
    "SE": ("SEK", D("6200000000000"), D("6400000000000")),
    "US": ("USD", D("28000000000000"), D("29000000000000")),
}
GDP_SOURCE = "Illustrative demo figure, rounded; not an official statistic"

# Each agreement: its fields, the statuses it went through (with the day offset of each move),
# parties, commitments (with disbursements), milestones and status reports. Day offsets are
# relative to the seeding day: -30 is thirty days ago, 14 is in a fortnight.
AGREEMENTS = [
    {
        "reference": "UA-GB-2025-007",
        "title": "Aircraft-maintenance training for Ukrainian specialists with Airbus",
        "summary": "Under the UK–Ukraine industrial co-production agreement, Airbus trains Ukrainian "
        "specialists in aircraft maintenance in the UK and in Ukraine.",
        "kind": "training",
        "currency": "GBP",
        "budget": D("12000000.00"),
        "starts": -300,
        "ends": 400,
        "capabilities": ["aircraft-maintenance"],
        "path": [("negotiating", -360), ("signed", -320), ("active", -300)],
        "parties": [("mosi-ua", "lead"), ("mod-gb", "sponsor"), ("airbus-uk", "trainer"), ("afu", "recipient")],
        "commitments": [
            (
                "mod-gb",
                D("8000000.00"),
                "GBP",
                "committed",
                -330,
                "GB-TRN-01",
                [(D("2500000.00"), -280), (D("1000000.00"), -60)],
            ),
            ("eu-edf", D("2000000.00"), "EUR", "pledged", -90, "EDF-TRN-02", []),
        ],
        "milestones": [
            ("First cohort of specialists certified", -120, "airbus-uk", "specialists", 40, 40, "done"),
            ("Second cohort of specialists certified", 10, "airbus-uk", "specialists", 60, 35, "in_progress"),
            ("Training centre in Ukraine accredited", -12, "mosi-ua", "", None, None, "in_progress"),
        ],
        "reports": [
            (-95, "green", "First cohort certified on schedule.", "", "Start the second cohort."),
            (
                -5,
                "amber",
                "Second cohort on track; accreditation of the Ukrainian centre is late.",
                "Accreditation paperwork with the national aviation authority.",
                "Escalate accreditation.",
            ),
        ],
    },
    {
        "reference": "UA-DK-2025-012",
        "title": "Long-range strike-drone co-production",
        "summary": "Danish-funded serial production of long-range strike drones by a Ukrainian manufacturer.",
        "kind": "co_production",
        "currency": "EUR",
        "budget": D("60000000.00"),
        "starts": -200,
        "ends": 300,
        "capabilities": ["strike-drones"],
        "path": [("negotiating", -260), ("signed", -220), ("active", -200)],
        "parties": [("mosi-ua", "lead"), ("dnipro-uas", "producer"), ("afu", "recipient")],
        "commitments": [
            (
                "mod-dk",
                D("180000000.00"),
                "DKK",
                "committed",
                -230,
                "DK-UAS-01",
                [(D("60000000.00"), -190), (D("45000000.00"), -40)],
            ),
            ("mod-nl", D("10000000.00"), "EUR", "committed", -75, "NL-UAS-02", []),  # firm, nothing paid: an alert
        ],
        "milestones": [
            ("Serial production line certified", -150, "dnipro-uas", "", None, None, "done"),
            ("Long-range strike drones delivered", 5, "dnipro-uas", "drones", 2000, 1250, "in_progress"),
        ],
        "reports": [(-10, "green", "Deliveries ahead of plan.", "Engine supply.", "Second shift from next month.")],
        # The Netherlands pays its commitment in two tranches, each released when its milestone is done.
        "tranches": [
            ("NL-UAS-02", D("4000000.00"), -140, "Serial production line certified", True),
            ("NL-UAS-02", D("6000000.00"), 10, "Long-range strike drones delivered", False),
        ],
    },
    {
        "reference": "UA-DE-2025-021",
        "title": "Interceptor-drone co-production against long-range attack drones",
        "summary": "Co-production of interceptor drones with radar cueing for territorial air defence.",
        "kind": "co_production",
        "currency": "EUR",
        "budget": D("40000000.00"),
        "starts": -150,
        "ends": 250,
        "capabilities": ["interceptor-drones", "air-defence"],
        "path": [("negotiating", -190), ("signed", -160), ("active", -150)],
        "parties": [("mosi-ua", "lead"), ("kharkiv-iw", "producer"), ("afu", "recipient")],
        "commitments": [
            ("bmvg-de", D("15000000.00"), "EUR", "committed", -170, "DE-INT-01", [(D("6000000.00"), -140)]),
            ("bmvg-de", D("10000000.00"), "EUR", "pledged", -20, "DE-INT-02", []),
        ],
        "milestones": [
            ("Interceptors delivered", 45, "kharkiv-iw", "interceptors", 10000, 6200, "in_progress"),
            ("Radar cueing integrated", -5, "kharkiv-iw", "", None, None, "blocked"),
        ],
        "reports": [
            (
                -3,
                "red",
                "Radar cueing integration blocked by a missing data link.",
                "Data-link supplier delay.",
                "Alternative supplier under evaluation.",
            )
        ],
    },
    {
        "reference": "UA-NL-2025-004",
        "title": "155 mm artillery ammunition production line",
        "summary": "A new production line for 155 mm shells in western Ukraine.",
        "kind": "co_production",
        "currency": "EUR",
        "budget": D("85000000.00"),
        "starts": -40,
        "ends": 700,
        "capabilities": ["artillery", "ammunition"],
        "path": [("negotiating", -120), ("signed", -45)],
        "parties": [("mod-ua", "lead"), ("lviv-munitions", "producer")],
        "commitments": [
            ("mod-nl", D("30000000.00"), "EUR", "committed", -50, "NL-AMM-01", [(D("5000000.00"), -20)]),
            ("eu-edf", D("20000000.00"), "EUR", "pledged", -15, "EDF-AMM-02", []),
        ],
        "milestones": [
            ("Plant site prepared", -25, "lviv-munitions", "", None, None, "done"),
            ("Propellant supply contract signed", -30, "mod-ua", "", None, None, "in_progress"),
            ("First shells accepted", 20, "lviv-munitions", "shells", 10000, None, "planned"),
        ],
        "reports": [(-7, "amber", "Site ready; propellant contract late.", "Propellant supply.", "Sign by month end.")],
    },
    {
        "reference": "UA-NO-2025-009",
        "title": "Air-defence interceptor missile programme",
        "summary": "Technology transfer and co-production of short-range air-defence interceptors.",
        "kind": "technology_transfer",
        "currency": "NOK",
        "budget": D("1500000000.00"),
        "starts": 30,
        "ends": 900,
        "capabilities": ["air-defence"],
        "path": [("negotiating", -60)],
        "parties": [("mosi-ua", "lead"), ("nordic-ad", "producer")],
        "commitments": [("mod-no", D("600000000.00"), "NOK", "pledged", -40, "NO-AD-01", [])],
        "milestones": [("Technology transfer agreement signed", 14, "nordic-ad", "", None, None, "planned")],
        "reports": [],
    },
    {
        "reference": "UA-CA-2025-015",
        "title": "FPV drone production order funded by Canada",
        "summary": "A third-country-funded order for FPV drones produced in Ukraine for the Armed Forces.",
        "kind": "procurement",
        "currency": "USD",
        "budget": D("25000000.00"),
        "starts": -180,
        "ends": 120,
        "capabilities": ["strike-drones"],
        "path": [("negotiating", -220), ("signed", -190), ("active", -180)],
        "parties": [("mod-ua", "lead"), ("dnipro-uas", "producer"), ("afu", "recipient")],
        "commitments": [
            (
                "dnd-ca",
                D("20000000.00"),
                "CAD",
                "committed",
                -200,
                "CA-FPV-01",
                [(D("12000000.00"), -150), (D("4000000.00"), -30)],
            ),
        ],
        "milestones": [
            ("First batch of FPV drones delivered", -60, "dnipro-uas", "drones", 50000, 50000, "done"),
            ("Second batch of FPV drones delivered", 1, "dnipro-uas", "drones", 30000, 27500, "in_progress"),
        ],
        "reports": [(-50, "green", "Second batch nearly complete.", "", "Final acceptance tests.")],  # due again
    },
    {
        "reference": "UA-EU-2025-002",
        "title": "Electronic-warfare systems joint R&D",
        "summary": "Joint research on counter-drone electronic warfare.",
        "kind": "joint_rnd",
        "currency": "EUR",
        "budget": D("8000000.00"),
        "starts": 60,
        "ends": 800,
        "capabilities": ["electronic-warfare"],
        "path": [],
        "parties": [("mosi-ua", "lead"), ("ew-lab", "producer")],
        "commitments": [("eu-edf", D("5000000.00"), "EUR", "pledged", -10, "EDF-EW-01", [])],
        "milestones": [("Consortium agreement drafted", 30, "ew-lab", "", None, None, "planned")],
        "reports": [],
    },
    {
        "reference": "UA-SE-2024-011",
        "title": "Armoured vehicle maintenance hub",
        "summary": "A maintenance and repair hub for donated armoured vehicles.",
        "kind": "maintenance",
        "currency": "SEK",
        "budget": D("300000000.00"),
        "starts": -400,
        "ends": 200,
        "capabilities": ["armoured-vehicles"],
        "path": [("negotiating", -480), ("signed", -420), ("active", -400), ("suspended", -35)],
        "parties": [("mod-ua", "lead"), ("kyiv-armour", "producer"), ("fmv-se", "funder")],
        "commitments": [
            ("fmv-se", D("100000000.00"), "SEK", "committed", -410, "SE-ARM-01", [(D("40000000.00"), -300)]),
        ],
        "milestones": [
            ("Hub workshop operational", -250, "kyiv-armour", "", None, None, "done"),
            ("Vehicles returned to service", -20, "kyiv-armour", "vehicles", 120, 64, "blocked"),
        ],
        "reports": [(-30, "red", "Suspended after damage to the workshop.", "Site security.", "Relocation study.")],
    },
    {
        "reference": "UA-US-2024-001",
        "title": "Naval drone co-production pilot",
        "summary": "A pilot series of maritime drones, delivered and closed.",
        "kind": "co_production",
        "currency": "USD",
        "budget": D("5000000.00"),
        "starts": -500,
        "ends": -100,
        "capabilities": ["naval-drones"],
        "path": [("negotiating", -560), ("signed", -520), ("active", -500), ("completed", -90)],
        "parties": [("mod-ua", "lead"), ("odesa-marine", "producer")],
        "commitments": [
            (
                "dod-us",
                D("5000000.00"),
                "USD",
                "committed",
                -530,
                "US-NAV-01",
                [(D("3000000.00"), -480), (D("2000000.00"), -150)],
            ),
        ],
        "milestones": [("Pilot series delivered", -120, "odesa-marine", "naval drones", 30, 30, "done")],
        "reports": [(-95, "green", "Pilot series delivered and accepted.", "", "Programme closed.")],
    },
]

# People at partner organisations who receive reminders and digests without a login.
CONTACTS = [
    ("airbus-uk", "Training programme office", "training-office@airbus-uk.example"),
    ("mod-gb", "UK programme desk", "ukraine-desk@mod-gb.example"),
    ("dnipro-uas", "Production planning", "planning@dnipro-uas.example"),
    ("kharkiv-iw", "Delivery manager", "deliveries@kharkiv-iw.example"),
    ("mod-dk", "Danish model secretariat", "secretariat@mod-dk.example"),
]

# Indicators, all ILLUSTRATIVE (invented figures): agreement, title, kind, unit, capability, responsible,
# baseline, target, and periods (start and end day offsets, period target, actual, state). Actuals are
# reported by the responsible partner; verified and locked periods were checked by the programme manager.
ILLUSTRATIVE_SOURCE = "Illustrative figure (demo data)"
INDICATORS = [
    (
        "UA-DE-2025-021",
        "Interceptor-drone line capacity (illustrative)",
        "capacity",
        "interceptor drones",
        "interceptor-drones",
        "kharkiv-iw",
        0,
        30000,
        [(-150, -61, 20000, 18500, "locked"), (-60, 29, 30000, 24000, "reported"), (30, 119, 30000, None, "open")],
    ),
    (
        "UA-DK-2025-012",
        "Long-range strike-drone line capacity (illustrative)",
        "capacity",
        "long-range strike drones",
        "strike-drones",
        "dnipro-uas",
        0,
        6000,
        [(-200, -21, 5000, 4800, "verified"), (-20, 159, 6000, None, "open")],
    ),
    (
        "UA-NL-2025-004",
        "155 mm shell line capacity (illustrative)",
        "capacity",
        "155 mm shells",
        "ammunition",
        "lviv-munitions",
        0,
        120000,
        # The first quarter ended six weeks ago and is still unreported: the demo's "no actual" alert.
        [(-130, -41, 40000, None, "open"), (-40, 49, 40000, None, "open")],
    ),
    (
        "UA-GB-2025-007",
        "Specialists certified under the Airbus training programme (illustrative)",
        "output",
        "specialists certified",
        "aircraft-maintenance",
        "airbus-uk",
        0,
        100,
        [
            (-300, -211, 40, 40, "locked"),
            (-210, -121, 20, 18, "verified"),
            (-120, -31, 20, 17, "reported"),
            (-30, 59, 20, None, "open"),
        ],
    ),
]
