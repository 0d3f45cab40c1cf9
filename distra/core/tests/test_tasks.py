"""Background work runs through Django's tasks API: the database worker by default, RQ on Redis
as the scale path. Both run the same task code."""

import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus

from distra.accounts.models import ApiToken, hash_token
from distra.accounts.tasks import prune_api_tokens
from distra.config.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db(transaction=True)


def _old_token(user) -> ApiToken:
    long_ago = timezone.now() - timedelta(days=400)
    return ApiToken.objects.create(user=user, key_hash=hash_token(f"old-{user.pk}"), prefix="old", expires_at=long_ago)


def test_database_worker_runs_an_enqueued_task(org):
    token = _old_token(org.users["admin"])
    result = prune_api_tokens.enqueue()
    assert result.status == TaskResultStatus.READY
    assert ApiToken.objects.filter(pk=token.pk).exists()  # nothing runs until a worker picks it up

    call_command("worker", batch=True)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_every_periodic_task_is_a_real_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for entry in PERIODIC_TASKS:
        assert isinstance(import_string(entry.task), Task), entry.task
        assert entry.cron, entry.task


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def test_task_runs_through_rq_on_redis(org):
    if not _redis_reachable(REDIS_TEST_URL):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL} and CI=true")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    import django_rq

    token = _old_token(org.users["admin"])
    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": REDIS_TEST_URL}},
    }
    with override_settings(**rq_settings):
        django_rq.get_queue("default").empty()
        result = prune_api_tokens.enqueue()
        assert result.backend == "default"
        assert django_rq.get_queue("default").count == 1  # the job waits in Redis
        call_command("worker", batch=True)
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == 1
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_scheduler_enqueues_each_periodic_task_for_the_worker(org):
    from django_tasks_db.models import DBTaskResult

    from distra.core.management.commands.scheduler import build_scheduler, enqueue_periodic

    scheduler = build_scheduler()
    assert {job.id for job in scheduler.get_jobs()} == {entry.task for entry in PERIODIC_TASKS}
    before = DBTaskResult.objects.count()
    for entry in PERIODIC_TASKS:
        enqueue_periodic(entry.task)
    assert DBTaskResult.objects.count() == before + len(PERIODIC_TASKS)
    call_command("worker", batch=True)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
