"""The kit installed from a wheel serves the same app as a checkout; Binder's set-up holds."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.serving import start_server, stop_server


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("customer_value_kit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kit/_bundled/workbooks/01_hidden_leader_traits.ipynb" in names
    assert "kit/_bundled/data/hidden_leader.toml" in names
    assert "kit/share/jupyter/voila/templates/kit/index.html.j2" in names
    assert "kit/py.typed" in names  # type checkers read the kit's hints
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    site = out / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return site


def _env(site: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KIT_STORE", "KIT_DATA")}
    env["PYTHONPATH"] = str(site)
    env["KIT_STORE"] = str(tmp / "wheel.sqlite3")
    return env


def test_installed_wheel_finds_its_own_workbooks_and_content(wheel_site, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import kit.paths as p; print(p.workbooks_dir()); print(p.data_dir())",
        ],
        cwd=tmp_path,
        env=_env(wheel_site, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    workbooks, data = done.stdout.split()
    assert workbooks.startswith(str(wheel_site)) and data.startswith(str(wheel_site))
    check = subprocess.run(
        [sys.executable, "-m", "kit", "check"],
        cwd=tmp_path,
        env=_env(wheel_site, tmp_path),
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert (
        "focus_attitude, hidden_leader, openness_pulse; so is the example customer map"
        in check.stdout
    )


def test_kit_serve_from_the_wheel_serves_workbook_01(wheel_site, tmp_path):
    env = _env(wheel_site, tmp_path)
    server = start_server(tmp_path, env=env, store=Path(env["KIT_STORE"]))
    try:
        url = server.page("01_hidden_leader_traits.ipynb")
        html = urllib.request.urlopen(url, timeout=60).read().decode()
    finally:
        stop_server(server)
    assert "Hidden-leader traits" in html
    assert "cdn.jsdelivr" not in html
    out = server.log.read_text()
    port = server.url.rsplit(":", 1)[1]
    assert f"http://localhost:{port}/voila/render/00_start_here.ipynb" in out
    assert f"Answers are stored in: {tmp_path / 'wheel.sqlite3'}" in out


def test_busy_port_asked_for_is_a_clear_message(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kit",
                "serve",
                "--no-browser",
                "--port",
                str(port),
                "--store",
                str(tmp_path / "k.db"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"port {port} is already in use: choose another with --port" in done.stderr


def test_binder_start_marks_the_app_ephemeral_and_finds_the_template():
    done = subprocess.run(
        [
            "bash",
            str(ROOT / "binder" / "start"),
            sys.executable,
            "-c",
            "import os; print(os.environ['KIT_EPHEMERAL'], os.environ['KIT_STORE'], os.environ['JUPYTER_PATH'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    ephemeral, store, jupyter_path = done.stdout.split()
    assert ephemeral == "1" and store.endswith("kit-binder.sqlite3")
    assert (Path(jupyter_path.split(os.pathsep)[0]) / "voila/templates/kit/index.html.j2").is_file()


def test_ephemeral_host_shows_that_nothing_is_kept(monkeypatch, tmp_path):
    from kit.instruments.pages.hidden_leader import HiddenLeaderApp

    monkeypatch.setenv("KIT_EPHEMERAL", "1")
    intro = HiddenLeaderApp.open(store=str(tmp_path / "k.db")).intro()
    text = " ".join(getattr(c, "value", "") for c in intro.children)
    assert "Nothing is kept on this server" in text and "Download my answers" in text


def test_kit_serve_writes_bytecode_even_where_python_is_told_not_to(tmp_path):
    # Each page's kernel imports the kit; without bytecode on disk every kernel
    # compiles every module again (PYTHONDONTWRITEBYTECODE, editable installs).
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("X = 1\n")
    (package / "sub" / "mod.py").write_text("Y = 2\n")
    code = f"from kit.serve import precompile; print(precompile(__import__('pathlib').Path({str(package)!r})))"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "True", done.stderr
    assert list((package / "__pycache__").glob("__init__.*.pyc"))
    assert list((package / "sub" / "__pycache__").glob("mod.*.pyc"))


def test_pages_of_kit_serve_skip_the_stylesheet_widget_and_others_keep_it(monkeypatch):
    from kit.serve import voila_env
    from kit.ui.components import page_top

    env = voila_env("/tmp/x.sqlite3", base={})
    assert env["KIT_PAGE_CSS"] == "1"
    monkeypatch.setenv("KIT_PAGE_CSS", "1")
    assert not any(".kit-ok" in getattr(w, "value", "") for w in page_top())
    # JupyterLab, papermill or a plain Voilà: the page brings its own stylesheet.
    monkeypatch.delenv("KIT_PAGE_CSS")
    assert any(".kit-ok" in getattr(w, "value", "") for w in page_top())


def test_one_version_for_the_command_the_package_and_its_metadata(wheel_site, tmp_path):
    import email

    import kit

    done = subprocess.run(
        [sys.executable, "-m", "kit", "--version"],
        cwd=tmp_path,
        env=_env(wheel_site, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == f"kit {kit.__version__}"
    (meta,) = wheel_site.glob("customer_value_kit-*.dist-info/METADATA")
    fields = email.message_from_string(meta.read_text())
    assert fields["Version"] == kit.__version__
    assert fields["License-Expression"] == "MIT"
    assert "Typing :: Typed" in fields.get_all("Classifier")
    assert any(u.startswith("Source, https://") for u in fields.get_all("Project-URL"))


def test_readme_images_show_on_a_package_index():
    # A package index shows the README without the repository beside it:
    # an image with a relative path would be a broken picture there.
    import re

    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text())
    assert images
    assert all(src.startswith("https://") for src in images), images


def test_binder_takes_its_python_and_dependencies_from_the_project():
    # repo2docker reads binder/ alone: no requires-python, and a second list of
    # dependencies there once left out icalendar without a word.
    import tomllib

    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-")
    assert runtime.removeprefix("python-") + ".0" in SpecifierSet(project["requires-python"])
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if line.strip() and not line.startswith("#")] == ["."]
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "--no-deps" not in post_build and "kit.jupyter_extension" in post_build
