"""Validates an OCDS export (`ggzy export --ocds`, one compiled release per line) with PyPI libcoveocds.

Offline: the OCDS 1.1.5 schema comes from data/ocds/schema as the "standard zip" libcoveocds accepts,
and the bids extension is served from the same folder on a loopback HTTP server, since libcoveocds
fetches extensions by URL. Fails on any validation error, on a value outside a closed codelist, on an extension that did not load, or on
an empty export.

usage: ocds_validate.py SCHEMA_DIR EXPORT.jsonl
"""

import functools
import http.server
import json
import os
import sys
import tempfile
import threading
import zipfile

import libcoveocds.api
from libcoveocds.config import LibCoveOCDSConfig


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def standard_zip(schema_dir, path):
    # ocdsextensionregistry reads the first entry as the top folder and the files under its schema/.
    top = "standard-1__1__5/"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(top, "")
        archive.writestr(top + "schema/", "")
        archive.writestr(top + "schema/codelists/", "")
        for name in sorted(os.listdir(schema_dir)):
            if name.endswith(".json"):
                archive.write(os.path.join(schema_dir, name), top + "schema/" + name)
        codelists = os.path.join(schema_dir, "codelists")
        for name in sorted(os.listdir(codelists)):
            archive.write(os.path.join(codelists, name), top + "schema/codelists/" + name)


def main(schema_dir, export_path):
    with open(export_path, encoding="utf-8") as f:
        releases = [json.loads(line) for line in f if line.strip()]
    if not releases:
        sys.exit(f"{export_path}: no releases")
    handler = functools.partial(Quiet, directory=os.path.join(schema_dir, "bids_extension"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    extension = f"http://127.0.0.1:{server.server_address[1]}/v1.1.5/extension.json"
    with tempfile.TemporaryDirectory() as work:
        zip_path = os.path.join(work, "standard.zip")
        standard_zip(schema_dir, zip_path)
        package = {
            "uri": "https://ggzy.invalid/ocds/export.json",
            "publishedDate": max(r["date"] for r in releases),
            "version": "1.1",
            "publisher": {"name": "ggzy"},
            "extensions": [extension],
            "releases": releases,
        }
        package_path = os.path.join(work, "package.json")
        with open(package_path, "w", encoding="utf-8") as f:
            json.dump(package, f, ensure_ascii=False)
        config = LibCoveOCDSConfig()
        config.config["standard_zip"] = f"file://{zip_path}"
        config.config["context"] = "api"
        out = os.path.join(work, "out")
        os.mkdir(out)
        result = libcoveocds.api.ocds_json_output(out, package_path, "1.1", convert=False, lib_cove_ocds_config=config)
    server.shutdown()
    loaded = [e["url"] for e in result["extensions"]["extensions"] if not e.get("failed_codelists")]
    if result["extensions"].get("invalid_extension") or loaded != [extension]:
        sys.exit(f"the bids extension did not load: {json.dumps(result['extensions'], ensure_ascii=False)}")
    errors = result["validation_errors"]
    for error in errors[:20]:
        print(json.dumps(error, ensure_ascii=False))
    # A value outside a closed codelist (e.g. a tender status) is reported apart from the errors.
    closed = result.get("additional_closed_codelist_values") or {}
    for path, details in closed.items():
        print(f"closed codelist {path}: {json.dumps(details, ensure_ascii=False)}")
    print(
        f"libcoveocds: {len(releases)} compiled releases, {len(errors)} validation errors, "
        f"{len(result.get('additional_fields') or {})} additional fields (lots, relatedLots: see docs/ocds.md)"
    )
    if errors or closed:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
