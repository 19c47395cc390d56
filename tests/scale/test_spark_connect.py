"""hotlist.spark over Spark Connect (a local Connect server, local[2]): the same rows
as check_many, one snapshot open per Python worker.  The client only builds the plan;
mapInArrow runs the same _Mapper on the server's Python workers.

Run in a fresh process: a Connect server started in this one would reuse the JVM
(and the workers' environment) of test_spark.py's session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from scale_manifest import MAPPING, by_passenger, manifest_table

import hotlist
from hotlist._stream import check_many_mapped
from hotlist._workers import OPEN_LOG_ENV

pytest.importorskip("pyspark")
pytest.importorskip("grpc")  # pyspark[connect], in the test extra

if shutil.which("java") is None and not os.environ.get("CI"):
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

CLIENT = """
import sys, warnings
warnings.simplefilter("ignore")
import pyarrow.parquet as pq
from pyspark.sql import SparkSession
import hotlist.spark

manifest_path, snapshot, out = sys.argv[1:4]
spark = SparkSession.builder.remote("local[2]").getOrCreate()
try:
    assert type(spark).__module__.startswith("pyspark.sql.connect"), type(spark)
    df = spark.read.parquet(manifest_path).repartition(4)
    got = hotlist.spark.check_dataframe(
        df, snapshot, columns={"doc_no": "document", "issuer": "country"}
    ).toArrow()
    pq.write_table(got, out)
finally:
    spark.stop()
"""


def test_spark_connect_rows_equal_check_many(snapshot: Path, tmp_path: Path) -> None:
    assert MAPPING == {"doc_no": "document", "issuer": "country"}  # as in CLIENT
    manifest = manifest_table(130)
    pq.write_table(manifest, tmp_path / "manifest.parquet")
    log = tmp_path / "opens.log"
    env = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        OPEN_LOG_ENV: str(log),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    args = [str(tmp_path / "manifest.parquet"), str(snapshot), str(tmp_path / "got.parquet")]
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    got = pq.read_table(tmp_path / "got.parquet")
    want = check_many_mapped(hotlist.open(snapshot), manifest, MAPPING, None)
    assert got.schema.names == want.schema.names
    assert by_passenger(got) == by_passenger(want)
    events = [line.split() for line in log.read_text().splitlines()]
    opens = [pid for kind, pid, _ in events if kind == "open"]
    parts = [pid for kind, pid, _ in events if kind == "part"]
    assert len(opens) == len(set(opens)) >= 1
    assert set(parts) <= set(opens) and len(parts) == 4
