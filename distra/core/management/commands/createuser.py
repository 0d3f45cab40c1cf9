import getpass

from django.core.management.base import BaseCommand, CommandError

from distra.accounts.choices import Role
from distra.accounts.services import user_create
from distra.core.errors import DomainError
from distra.geography.models import GeoNode
from distra.partners.models import Distributor


class Command(BaseCommand):
    help = "Create a user with a role and its scope (geography node codes, or a distributor code)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--geo", action="append", default=[], help="Geography node code (repeatable) for ASMs and field reps.")
        parser.add_argument("--distributor", help="Distributor code, for distributor users.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Prompted for when omitted.")

    def handle(self, *args, username, role, geo, distributor, email, password, **options):
        nodes = list(GeoNode.objects.filter(code__in=geo))
        if len(nodes) != len(set(geo)):
            raise CommandError(f"Unknown geography codes: {sorted(set(geo) - {n.code for n in nodes})}")
        dist = None
        if distributor:
            dist = Distributor.objects.filter(code=distributor).first()
            if dist is None:
                raise CommandError(f"Unknown distributor {distributor!r}")
        if not password:
            password = getpass.getpass("Password: ")
        try:
            user = user_create(username=username, password=password, role=role, email=email, distributor=dist, geo_nodes=nodes)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.as_dict()['fields']}") from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()})"))
