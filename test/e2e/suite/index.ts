// Entry of the Mocha suite that runs INSIDE VS Code's extension host (code-server), loaded through the workbench's
// `extensionTestsPath` (see test/e2e/extensionHost.test.ts). esbuild bundles it to out/e2e-suite/index.js with
// `mocha` and `vscode` left as run-time requires. VS Code calls `run()` and reports its outcome as the exit code.
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // The suite files are bundled, so they register their describe/it on the globals Mocha installs here.
  mocha.suite.emit('pre-require', globalThis, 'extension.suite.ts', mocha);
  await import('./extension.suite');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension host test(s) failed`);
}
