"""Checks the pinned requirements against the advisory database with pip-audit. A known
vulnerability fails the run. When the database cannot be reached, or answers for none of our
pins, the run says so plainly and the check is skipped: it is never reported as a pass."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ["requirements/base.txt", "requirements/dev.txt"]
SKIPPED, CLEAN, VULNERABLE = 0, 0, 1


def run_pip_audit(requirements: list[str]) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "pip-audit"), "--no-deps", "--disable-pip"]
    command += ["--progress-spinner", "off", "--format", "json"]
    for path in requirements:
        command += ["--requirement", path]
    # The requirements are fully pinned by pip-compile, so no resolution (and no installing)
    # is needed: each pin is looked up as it is.
    return subprocess.run(  # noqa: S603 - our own fixed command line
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def main(requirements: list[str]) -> int:
    try:
        result = run_pip_audit(requirements)
    except subprocess.TimeoutExpired:
        print("Dependency audit SKIPPED: the advisory database did not answer within 10 minutes.")
        return SKIPPED
    try:
        report = json.loads(result.stdout)
    except ValueError:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"Dependency audit SKIPPED: the advisory database could not be reached ({reason}).")
        return SKIPPED
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            name = f"{dependency['name']} {dependency['version']}"
            print(f"VULNERABLE {name}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        print(f"Dependency audit FAILED: {len(vulnerable)} pinned package(s) are vulnerable.")
        return VULNERABLE
    if not audited:
        print(
            f"Dependency audit SKIPPED: the advisory database answered for none of the "
            f"{len(dependencies)} pinned packages (it could not be reached, or does not know "
            "these versions)."
        )
        return SKIPPED
    unknown = [d["name"] for d in dependencies if "skip_reason" in d]
    if unknown:
        print(
            f"Dependency audit: not in the advisory database, so not checked: {', '.join(unknown)}"
        )
    print(f"Dependency audit passed: {len(audited)} pinned packages, no known vulnerabilities.")
    return CLEAN


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or REQUIREMENTS))
