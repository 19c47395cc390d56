"""The canonical schemas and the pydantic record models describe the same data."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import hotlist
from hotlist.schema import (
    DOCUMENTS_SCHEMA,
    PERSONS_SCHEMA,
    SCHEMAS,
    VEHICLES_SCHEMA,
    CheckResultModel,
    DocumentRecord,
    PersonRecord,
    VehicleRecord,
)

MODELS = {"documents": DocumentRecord, "vehicles": VehicleRecord, "persons": PersonRecord}


@pytest.fixture(scope="module")
def sample() -> hotlist.Hotlist:
    return hotlist.load(hotlist.sample_data_path(), progress=False)


@pytest.mark.parametrize("dataset", ["documents", "vehicles", "persons"])
def test_every_loaded_record_validates_as_its_model(sample: hotlist.Hotlist, dataset: str) -> None:
    table = sample.tables[dataset]
    assert table.schema.equals(SCHEMAS[dataset])  # type: ignore[index]
    model = MODELS[dataset]
    assert set(model.model_fields) == set(table.schema.names)
    for row in table.to_pylist():
        model.model_validate(row)


def test_models_refuse_what_the_schema_cannot_hold() -> None:
    with pytest.raises(ValidationError):
        DocumentRecord.model_validate(
            {"record_id": "X", "document_number": "1", "issuing_country": "UTO",
             "document_type": "spaceship", "status": "stolen", "reported_on": "2024-01-01"}
        )  # fmt: skip
    with pytest.raises(ValidationError):
        PersonRecord.model_validate({"record_id": "P", "name": "A", "notice_type": "purple"})


def test_code_columns_are_dictionary_encoded() -> None:
    for schema, column in (
        (DOCUMENTS_SCHEMA, "issuing_country"),
        (DOCUMENTS_SCHEMA, "status"),
        (VEHICLES_SCHEMA, "registration_country"),
        (PERSONS_SCHEMA, "notice_type"),
    ):
        assert str(schema.field(column).type).startswith("dictionary")


def test_result_model_round_trips(sample: hotlist.Hotlist) -> None:
    r = sample.check(document="L898902C3", country="UTO")
    model = CheckResultModel.model_validate_json(r.model_dump_json())
    assert model.hit and model.hits[0].record_id == r.hits[0].record_id
    assert model.data_version == sample.data_version
