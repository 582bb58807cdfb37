"""livecomp/js as the npm package ``livecomp-client``, as a consumer gets it.

``npm pack`` makes the tarball from the committed dist/ (tests/test_bundle.py
proves it is the build of the sources); a scratch project with its own
package.json installs it offline, which works because the package has no
dependencies (its morph is its own). Node then imports it with no DOM, and
tsc type-checks a consumer file against the shipped declarations under both
``nodenext`` and ``bundler`` resolution. Nothing here publishes: the package
is private, and only ``pack`` and a local ``install`` run.

The npm package and the Python package carry one version string, and the
wheel keeps shipping only the script the server serves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.test_bundle import DIST, JS, npm

ROOT = JS.parents[1]
PACKAGE = json.loads((JS / "package.json").read_text("utf-8"))
NAME = PACKAGE["name"]

# What the module exports at run time, by `typeof` (its types are checked by CONSUMER_TS).
RUNTIME_EXPORTS = {
    "startLive": "function",
    "watchTyping": "function",
    "LiveSocket": "function",
    "EventRefused": "function",
    "applyPatches": "function",
    "PatchMismatch": "function",
    "runBinding": "function",
}

# Imported first with no DOM at all: the module must touch none on import.
# Then a document that records its listeners, for startLive on a page
# without `[live-page]`.
NODE_SCRIPT = """
import { readFileSync } from "node:fs";
const client = await import("livecomp-client");
const exports = {};
for (const [name, value] of Object.entries(client)) exports[name] = typeof value;
const listened = [];
globalThis.document = {
  addEventListener: (type) => listened.push(type),
  querySelector: () => null,
};
const noPage = client.startLive({}, null);
let deep;
try {
  await import("livecomp-client/dist/esm/socket.js");
  deep = "resolved";
} catch (error) {
  deep = error.code;
}
const manifest = new URL(import.meta.resolve("livecomp-client/package.json"));
console.log(JSON.stringify({
  exports,
  listened,
  noPage,
  deep,
  mismatchIsError: new client.PatchMismatch("stale") instanceof Error,
  script: import.meta.resolve("livecomp-client/live.js"),
  version: JSON.parse(readFileSync(manifest, "utf8")).version,
}));
"""

# A consumer as an app would write it. Each @ts-expect-error must meet an
# error: were the declarations missing or `any`, tsc would report it unused.
CONSUMER_TS = """
import {
  applyPatches,
  type CommandPush,
  EventRefused,
  type Hook,
  type HookContext,
  type Hooks,
  type HookThis,
  LiveSocket,
  type Payload,
  PatchMismatch,
  runBinding,
  type SocketOptions,
  type SocketState,
  startLive,
  watchTyping,
} from "livecomp-client";

const Chart: Hook = {
  mounted() {
    const el: HTMLElement = this.el;
    const stop: () => void = this.handleEvent("points", (points: number[]) => {
      el.dataset["count"] = String(points.length);
    });
    const payload: Payload = { width: el.clientWidth };
    this.pushEvent("ready", payload).catch((error: unknown) => {
      if (error instanceof EventRefused) stop();
    });
  },
  destroyed(this: HookThis) {
    void this.pushEventTo("#log", "gone");
  },
};
const hooks: Hooks = { Chart };
const options: SocketOptions = { hooks, onResync: () => undefined };
const socket: LiveSocket | null = startLive(options);
const state: SocketState | undefined = socket?.state;
const own = new LiveSocket(document.body, { hooks });
own.connect();
watchTyping();

const push: CommandPush = (event: string, value: Payload, target: Element) => {
  console.log(event, value, target, state);
};
const ran: boolean = runBinding(document.body, '[["toggle_class", {"names": "open"}]]', push);

try {
  applyPatches(document.body, [["text", [0, 1], "p", "new text"]]);
} catch (error) {
  if (error instanceof PatchMismatch) console.log(error.message, ran);
}

export function save(context: HookContext): Promise<void> {
  return context.pushEvent("save", { draft: true });
}

// @ts-expect-error: an op is a tuple, not a bare name
applyPatches(document.body, ["text"]);
// @ts-expect-error: a payload is an object
export const badPayload: Payload = 3;
// @ts-expect-error: no such socket state
export const badState: SocketState = "sleeping";
// @ts-expect-error: window.livecomp is the /live.js script's, not the module's
window.livecomp.connect();
"""


def run(args: list[str], cwd: Path) -> str:
    """Run ``args`` in ``cwd``; their stdout, or a failure with all they said."""
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(args)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        pytest.fail("node is not on PATH: the npm package tests need Node 20 (scripts/setup.sh)")
    return executable


def test_the_npm_package_has_the_python_package_version() -> None:
    python = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert PACKAGE["version"] == python, (
        f"livecomp/js/package.json says {PACKAGE['version']}, pyproject.toml {python}: "
        "the client and the Python package carry one version"
    )
    lock = json.loads((JS / "package-lock.json").read_text("utf-8"))
    assert lock["version"] == lock["packages"][""]["version"] == python, (
        "livecomp/js/package-lock.json carries another version: run "
        "`npm install --package-lock-only` in livecomp/js"
    )


def test_the_wheel_takes_no_package_file_but_the_served_script() -> None:
    """pyproject's package-data is how client files reach the wheel (there is
    no MANIFEST.in): its patterns must match dist/live.js and none of dist/esm."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    package = ROOT / "livecomp"
    shipped = {
        path.relative_to(package).as_posix()
        for pattern in setuptools["package-data"]["livecomp"]
        for path in package.glob(pattern)
        if path.is_file()
    }
    assert {name for name in shipped if name.startswith("js/")} == {"js/dist/live.js"}


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The tarball `npm pack` makes of livecomp/js, and the paths it holds."""
    destination = tmp_path_factory.mktemp("pack")
    # --ignore-scripts: packing must build nothing and touch no committed file.
    output = npm("pack", "--json", "--ignore-scripts", "--pack-destination", str(destination))
    (report,) = json.loads(output.stdout)
    return destination / report["filename"], sorted(entry["path"] for entry in report["files"])


@pytest.fixture(scope="module")
def consumer(packed: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch project with the tarball installed, offline, with an empty npm cache."""
    project = tmp_path_factory.mktemp("consumer")
    manifest = {"name": "consumer", "version": "0.0.0", "private": True, "type": "module"}
    (project / "package.json").write_text(json.dumps(manifest), "utf-8")
    npm(
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--cache",
        str(tmp_path_factory.mktemp("npm-cache")),
        str(packed[0]),
        cwd=project,
    )
    return project


def test_the_tarball_holds_the_built_client_and_nothing_else(
    packed: tuple[Path, list[str]],
) -> None:
    tarball, files = packed
    assert tarball.name == f"{NAME}-{PACKAGE['version']}.tgz"
    built = sorted(
        path.relative_to(JS).as_posix() for path in (DIST / "esm").rglob("*") if path.is_file()
    )
    assert files == sorted(["README.md", "package.json", "dist/live.js", *built])
    assert "dist/esm/live.js" in files and "dist/esm/live.d.ts" in files


def test_node_imports_the_installed_package(consumer: Path) -> None:
    installed = consumer / "node_modules" / NAME
    assert not (installed / "node_modules").exists(), "the package must need no dependencies"
    result = json.loads(run([node(), "--input-type=module", "-e", NODE_SCRIPT], consumer))
    assert RUNTIME_EXPORTS.items() <= result["exports"].items(), result["exports"]
    assert result["noPage"] is None
    assert "input" in result["listened"], "startLive watches typing even without a live page"
    assert result["mismatchIsError"] is True
    # Only what "exports" lists is reachable: the module's internals stay inside.
    assert result["deep"] == "ERR_PACKAGE_PATH_NOT_EXPORTED"
    assert result["script"] == (installed / "dist" / "live.js").as_uri()
    assert result["version"] == PACKAGE["version"]


@pytest.mark.parametrize(
    ("module", "resolution"), [("nodenext", "nodenext"), ("preserve", "bundler")]
)
def test_a_consumer_typechecks_against_the_shipped_declarations(
    consumer: Path, module: str, resolution: str
) -> None:
    if not (JS / "node_modules").is_dir():
        npm("ci", "--no-audit", "--no-fund", "--loglevel=error")
    (consumer / "consumer.ts").write_text(CONSUMER_TS, "utf-8")
    config = {
        "compilerOptions": {
            "target": "es2020",
            "lib": ["es2020", "dom", "dom.iterable"],
            "module": module,
            "moduleResolution": resolution,
            "types": [],
            "strict": True,
            "exactOptionalPropertyTypes": True,
            "noUncheckedIndexedAccess": True,
            "noEmit": True,
            # The shipped declarations are checked too, under this strict config.
            "skipLibCheck": False,
        },
        "files": ["consumer.ts"],
    }
    tsconfig = consumer / f"tsconfig.{resolution}.json"
    tsconfig.write_text(json.dumps(config), "utf-8")
    tsc = JS / "node_modules" / "typescript" / "bin" / "tsc"
    run([node(), str(tsc), "-p", str(tsconfig)], consumer)
