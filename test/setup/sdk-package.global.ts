// Builds the publishable SDK package (sdk/dist) once per integration run, so the tests that
// install its tarball or load it in a browser exercise the build a dApp would get.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../scripts/lib/build-contracts.ts";

export default function setup(): void {
  execFileSync(join(PROJECT_ROOT, "node_modules", ".bin", "tsdown"), ["--config", join(PROJECT_ROOT, "sdk", "tsdown.config.ts"), "--log-level", "warn"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
