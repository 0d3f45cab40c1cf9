from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    help = "Django's deployment checks plus Distra's own (pass --no-deploy for the development checks only)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-deploy", action="store_true", help="Skip the deployment checks.")

    def handle(self, *app_labels, **options):
        options["deploy"] = not options.pop("no_deploy")
        return super().handle(*app_labels, **options)
