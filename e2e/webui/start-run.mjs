// start-run.mjs starts a workflow the way an operator without the CLI
// does: in the Temporal Web UI's Start Workflow form, in headless Chromium.
// Then it waits on the run's page until the UI itself shows it Completed.
// It exits 0 then, and 1 otherwise, with the page's text in the error and a
// screenshot in --out.
//
//   node start-run.mjs --ui http://127.0.0.1:8233 --namespace default \
//     --workflow-type FormClusters --task-queue runbooks --workflow-id ID \
//     --input '{"runbook": "lab-three-node"}' --out DIR [--timeout 120] \
//     [--expect TEXT]...
//
// Each --expect is text the run's page must show once the run completed:
// its decoded input or result, when the payloads are encrypted and the UI
// decodes them through its codec endpoint.
//
// Every flag can also be given as WEBUI_<FLAG> in the environment, such as
// WEBUI_WORKFLOW_ID. The selectors are the Web UI 2.42's labels and roles,
// as a person reads them, not its CSS.

import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const flags = ['ui', 'namespace', 'workflow-type', 'task-queue', 'workflow-id', 'input', 'out', 'timeout'];
const { values } = parseArgs({
  options: { ...Object.fromEntries(flags.map((f) => [f, { type: 'string' }])), expect: { type: 'string', multiple: true } },
});
const opt = {};
for (const f of flags) {
  opt[f] = values[f] ?? process.env['WEBUI_' + f.toUpperCase().replaceAll('-', '_')];
}
opt.timeout ??= '120';
opt.expect = values.expect ?? [];
const missing = flags.filter((f) => !opt[f]);
if (missing.length) {
  console.error(`start-run: missing ${missing.map((f) => '--' + f).join(', ')}`);
  process.exit(2);
}
const timeout = Number(opt.timeout) * 1000;

// Debian's Chromium, not a browser of Playwright's own: downloads fail on
// this network. The flags are the ones known to work on these machines,
// given in full even where Playwright adds some itself: they keep Chromium
// from calling home, which the closed network refuses (and Chromium
// retries, many connections at a time). The profile is new on every run.
const context = await chromium.launchPersistentContext(mkdtempSync(path.join(opt.out, 'chromium-profile-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox', // tests run as root, where the sandbox cannot start
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(30_000);

try {
  await page.goto(`${opt.ui}/namespaces/${encodeURIComponent(opt.namespace)}/workflows/start-workflow`);
  await page.getByRole('textbox', { name: 'Workflow ID', exact: true }).fill(opt['workflow-id']);
  await page.getByRole('textbox', { name: 'Task Queue', exact: true }).fill(opt['task-queue']);
  await page.getByRole('textbox', { name: 'Workflow Type', exact: true }).fill(opt['workflow-type']);

  // The input is a code editor whose textbox has no name of its own: its
  // label "Data" points at the editor's wrapper instead.
  const dataId = await page.locator('label').filter({ hasText: /^\s*Data\s*$/ }).getAttribute('for');
  const data = page.locator(`[id="${dataId}"]`).getByRole('textbox');
  await data.click();
  // insertText, not typing: typed brackets and quotes would be closed
  // again by the editor.
  await page.keyboard.insertText(opt.input);
  // Leave the editor before pressing Start: on leaving, it reformats the
  // JSON and grows, which moves the button, and a click that also blurred
  // the editor would land where the button was.
  await page.keyboard.press('Tab');
  await page.getByRole('radio', { name: 'json/plain' }).check();

  await page.getByRole('button', { name: 'Start Workflow', exact: true }).click();
  // The form stays on the page; success is a toast linking to the run,
  // failure an error alert in the form.
  const started = page.getByRole('link', { name: 'Workflow started successfully' });
  const refused = page.getByRole('alert').filter({ hasText: /error|fail|already/i });
  await started.or(refused).first().waitFor();
  if (!(await started.isVisible())) {
    throw new Error(`the Web UI did not start the workflow: ${await refused.first().innerText()}`);
  }
  await page.goto(new URL(await started.getAttribute('href'), opt.ui).href);

  // The run's status is the badge in the run's header, beside its ID; the
  // page refreshes it on its own while the run is open. Any closed status
  // ends the wait, so a failed run fails now, not at the timeout.
  const header = page.locator('header', { has: page.getByTestId('workflow-id-heading') });
  const closed = header.getByText(/^\s*(Completed|Failed|Canceled|Terminated|Timed Out|Continued As New)\s*$/i);
  await closed.first().waitFor({ timeout });
  const status = (await closed.first().innerText()).trim();
  if (status !== 'Completed') {
    throw new Error(`the Web UI shows the run ${status}, want Completed`);
  }
  console.log(`the Web UI shows ${opt['workflow-id']} Completed: ${page.url()}`);

  // The payloads the server holds are encrypted: the page shows them in
  // clear only if the UI decoded them through the codec endpoint.
  for (const want of opt.expect) {
    await page.waitForFunction((s) => (document.querySelector('main') ?? document.body).innerText.includes(s), want);
    console.log(`the Web UI shows the decoded payload text ${JSON.stringify(want)}`);
  }
} catch (err) {
  const shot = path.join(opt.out, 'webui-failure.png');
  await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  // The page's main part, without the navigation around it.
  const text = await page
    .evaluate(() => (document.querySelector('main') ?? document.body).innerText)
    .catch(() => '(no page text)');
  console.error(`start-run: ${err.message}\nat ${page.url()}\nscreenshot: ${shot}\npage text:\n${text}`);
  process.exitCode = 1;
} finally {
  await context.close();
}
