"""`manage.py export_iati --output FILE`: the whole portfolio as an IATI 2.03 activities file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from projects.iati.activities import activities_document
from projects.models import Agreement


class Command(BaseCommand):
    help = "Write every agreement as an IATI 2.03 activity to FILE (or '-' for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The file to write, or '-' for standard output.")

    def handle(self, *args, output: str, **options):
        document = activities_document(Agreement.objects.all())
        if output == "-":
            self.stdout.write(document.decode())
            return
        Path(output).write_bytes(document)
        self.stdout.write(f"Wrote {Agreement.objects.count()} activities to {output}.")
