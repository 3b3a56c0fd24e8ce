"""Requests generated from the OpenAPI document (schemathesis) never get a server error.

Every operation is fed valid and invalid input (schemathesis' positive and
negative modes) as the unit head, whose token may read and write the
squad's cases; valid path ids point at real cases in several states, so the
requests reach the actions and their gates. Each answer must be documented
for the operation, and every refusal must be an ``ErrorOut`` body.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.api import api
from sanxiang.api_types import ErrorOut
from sanxiang.cases.tests.test_api import OTHER_STEPS, STARTS, STEPS, CaseApiTestCase

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = 10
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


class ApiFuzzTests(CaseApiTestCase):
    def send(self, case: Any) -> Any:
        """Send a generated case through the Django test client (inside the test's transaction)."""
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        kwargs.pop("cookies", None)
        prepared = requests.Request(**kwargs).prepare()
        url = urlsplit(str(prepared.url))
        path = url.path + (f"?{url.query}" if url.query else "")
        body = prepared.body or b""
        return self.client.generic(
            case.method.upper(),
            path,
            body.encode() if isinstance(body, str) else body,
            content_type=str(prepared.headers.get("Content-Type", "application/json")),
            headers={"Authorization": f"Bearer {self.tokens['head']}"},
        )

    def fuzz(self, operation: Any, mode: Any, case_ids: list[int]) -> None:
        documented = set(operation.definition.raw["responses"])

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy(generation_mode=mode), case_id=st.sampled_from(case_ids))
        def run(case: Any, case_id: int) -> None:
            if mode.is_positive and case.path_parameters and "case_id" in case.path_parameters:
                case.path_parameters["case_id"] = case_id
            response = self.send(case)
            self.assertLess(response.status_code, 500)
            self.assertIn(str(response.status_code), documented, response.content[:300])
            if response.status_code >= 400:
                ErrorOut.model_validate(response.json())

        run()

    def test_no_generated_request_gets_a_server_error(self):
        case_ids = [self.new_lead().pk, self.register(self.new_lead()).pk, self.notified_case().pk]
        schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
        operations = [result.ok() for result in schema.get_all_operations()]
        # The case operations plus the five public record-log endpoints and the six open-data endpoints of the
        # publicity portal, fuzzed alike.
        self.assertEqual(len(operations), len(STEPS) + len(OTHER_STEPS) + len(STARTS) + 4 + 5 + 6)
        for operation in operations:
            # An operation without any input (the log's key, its latest checkpoint) has no negative case.
            has_input = bool(operation.definition.raw.get("parameters") or operation.definition.raw.get("requestBody"))
            modes = (schemathesis.GenerationMode.POSITIVE,) + (
                (schemathesis.GenerationMode.NEGATIVE,) if has_input else ()
            )
            for mode in modes:
                with self.subTest(operation=operation.label, mode=str(mode)):
                    self.fuzz(operation, mode, case_ids)
