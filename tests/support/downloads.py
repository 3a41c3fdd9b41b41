"""Opening a family's data download: its data.json and summary.html, and nothing else."""

import io
import json
import zipfile


def unzip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "summary.html"]
        return json.loads(archive.read("data.json")), archive.read("summary.html").decode()
