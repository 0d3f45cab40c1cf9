from django_tasks import task

from distra.accounts import services


@task()
def prune_api_tokens() -> int:
    return services.tokens_prune()
