"""What a batch's warm kernel holds: one bundle, prepared once; headline text as one string object per distinct value."""

from __future__ import annotations

import pandas as pd

from assessment.bundles.bundle import Bundle, open_bundle
from assessment.bundles.headline_rows import headline_rows
from assessment.core.paths import project_path
from assessment.orchestration.area_renders import WARM_UP


def _frame(areas: int = 50) -> pd.DataFrame:
    """Tidy rows as a bundle's parquet reads back (Arrow-backed text), two indicators, every area."""
    rows = [{"indicator_id": indicator, "sex": "Persons", "age": "All ages", "category_type": "",
             "period_end": pd.Timestamp("2024-03-31"), "denominator": 1000.0 + n, "area_code": f"E0600{n:04d}",
             "source": "Office for Health Improvement and Disparities, Fingertips", "value_note": None}
            for indicator in ("i1", "i2") for n in range(areas)]
    text = ["indicator_id", "sex", "age", "category_type", "area_code", "source", "value_note"]
    return pd.DataFrame(rows).astype(dict.fromkeys(text, "str"))


def test_headline_text_is_shared_between_rows_with_the_same_value():
    frame = _frame()
    rows = headline_rows(frame, {})
    assert len(rows) == len(frame)
    for column in ("source", "indicator_id", "sex", "area_code"):
        assert rows[column].dtype == object                          # plain strings: quick to select from
        assert rows[column].tolist() == frame[column].astype(object).tolist()
        assert len({id(value) for value in rows[column]}) == frame[column].nunique()
    assert rows["value_note"].isna().all()                           # missing stays missing


def test_the_kernels_warm_up_and_the_template_open_the_same_bundle(tmp_path):
    """The warm-up names the bundle as text, the template as a Path (project_path): one bundle, not two
    (a second one read the full frame again and held it beside the prepared one)."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / Bundle.META_FILE).write_text("{}")
    assert repr(str(folder)) in WARM_UP.format(root=str(folder))   # how the batch warms a kernel
    assert open_bundle(str(folder)) is open_bundle(project_path(str(folder)))  # how the template opens it


def test_a_batch_kernel_gives_arrow_memory_back_to_the_system(monkeypatch):
    """Arrow's own allocator kept the released frame's memory in every kernel; the system's returns it."""
    from assessment.orchestration.area_renders import batch_kernel

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    with batch_kernel() as kernel:
        result = kernel.run("import pyarrow\nprint(pyarrow.default_memory_pool().backend_name)")
    assert result.error is None and result.outputs[0]["text"].strip() == "system"


def test_a_warm_kernels_garbage_collector_no_longer_scans_the_bundle(demo_bundle):
    """The bundle lives as long as the kernel: its objects are frozen out of every collection after the warm-up,
    and collections come less often (a force's report spent a tenth of its time scanning them)."""
    from assessment.orchestration.area_renders import GC_THRESHOLDS, batch_kernel

    with batch_kernel() as kernel:
        warm = kernel.run(WARM_UP.format(root=str(demo_bundle)))
        result = kernel.run("import gc\nprint(gc.get_freeze_count(), *gc.get_threshold())")
    assert warm.error is None and result.error is None
    frozen, *thresholds = map(int, result.outputs[0]["text"].split())
    assert frozen > 10_000 and tuple(thresholds) == GC_THRESHOLDS
