// A bidder in its workbench, in Debian chromium driven by playwright-core: signs in by the form
// (a wrong password first: the API's Chinese message beside the password field), registers its
// entity for a lot taking bids, seals a bid offline with the real `ggzy bid seal` (as a bidder
// does on its own machine), uploads a file that is not an envelope (the Chinese error beside the
// file field), then the envelope, and reads the platform-signed receipt. Screenshots go to SHOT_DIR.
//
// Environment: GGZY_URL, SHOT_DIR, BROWSER_PROFILE (a fresh directory), CHROMIUM (default
// /usr/bin/chromium), GGZY_BIN (the ggzy binary), KEYS_DIR (the demo's certificates and keys),
// WORK_DIR (a scratch directory).

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { base, check, launch, run, shot } from './browser.mjs';

// Demo data (crates/ggzy/src/demo_tenders.rs): the tender taking bids; bidder2 is registered for
// lot 1 only.
const TENDER = '宁波市轨道交通5号线二期车站装修工程';
const BIDDER = 'bidder2';
const PASSWORD = 'ggzy-demo-2026';
const { GGZY_BIN: binary, KEYS_DIR: keys, WORK_DIR: work } = process.env;
check(binary && keys && work, 'GGZY_BIN, KEYS_DIR and WORK_DIR must be set');

await run(await launch({ width: 1280, height: 900 }), 'bidder-failure', async (browser) => {
  const page = browser.pages()[0] ?? (await browser.newPage());

  // 1. The workbench asks for a sign-in; a wrong password is explained beside its field.
  await page.goto(new URL('/workbench', base).href);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('用户名').fill(BIDDER);
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('#password-error').filter({ hasText: '用户名或密码错误' }).waitFor();
  await shot(page, 'bidder-login-refused.png');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/workbench\/bidder$/);
  await page.getByRole('heading', { level: 1, name: '投标人工作台' }).waitFor();
  const code = (await page.locator('section[aria-labelledby="entities-heading"] .mono').first().textContent()).trim();
  check(/^[0-9A-Z]{18}$/.test(code), `the workbench names the bidder's entity (${code})`);

  // 2. Registration for lot 2 of the tender taking bids.
  const open = page.locator('section[aria-labelledby="open-heading"] li').filter({ hasText: TENDER }).filter({ hasText: '标段 2' });
  const href = await open.getByRole('link', { name: TENDER }).getAttribute('href');
  const tenderId = href.split('/').pop();
  await open.getByRole('button', { name: /报名/ }).click();
  await page.getByText('报名成功').waitFor();
  const mine = page.locator('section[aria-labelledby="mine-heading"] li').filter({ hasText: TENDER }).filter({ hasText: '标段 2' });
  await mine.getByText('未递交').waitFor();
  await shot(page, 'bidder-registered.png');

  // 3. The bid sealed offline by the bidder's tool (the page never sees it unencrypted).
  const letter = path.join(work, '投标函.txt');
  writeFileSync(letter, '投标函：我方愿以人民币肆拾伍万元整承包二标段。\n');
  const sealed = path.join(work, 'my.bid');
  const printed = execFileSync(binary, [
    'bid', 'seal', '--tender', tenderId, '--lot', '2',
    '--cert', path.join(keys, `${code}.pem`), '--key', path.join(keys, `${code}.key.pem`),
    '--opening-key', path.join(keys, `${tenderId}-opening.pem`),
    '--declared', '{"price_fen":45000000}', '--out', sealed, letter,
  ], { encoding: 'utf8' });
  const digest = printed.match(/digest ([0-9a-f]{64})/)?.[1];
  check(digest, `ggzy bid seal prints the digest (${printed})`);

  // 4. A file that is not an envelope: the reason beside the file field, nothing recorded.
  await mine.getByLabel(/加密投标文件/).setInputFiles(letter);
  await mine.getByLabel(/信封摘要/).fill(digest);
  await mine.getByRole('button', { name: '递交投标文件' }).click();
  const refused = page.locator('section[aria-labelledby="mine-heading"] li').filter({ hasText: TENDER }).filter({ hasText: '标段 2' });
  const error = await refused.locator('.field-error').first().textContent();
  check(/投标文件|信封/.test(error), `the upload is refused in Chinese beside the field (${error})`);
  await refused.getByText('未递交').waitFor();
  await shot(page, 'bidder-upload-refused.png');

  // 5. The envelope: the receipt, and the registration now shows the bid.
  await refused.getByLabel(/加密投标文件/).setInputFiles(sealed);
  await refused.getByLabel(/信封摘要/).fill(digest);
  await refused.getByRole('button', { name: '递交投标文件' }).click();
  await page.getByRole('heading', { name: '投标文件已递交：回执' }).waitFor();
  const receipt = JSON.parse(await page.locator('#receipt-json').textContent());
  check(receipt.envelope_digest === digest && receipt.kind === 'submitted', `the receipt names the envelope (${JSON.stringify(receipt)})`);
  check(receipt.signature.length > 100, 'the receipt carries the platform signature');
  await shot(page, 'bidder-receipt.png');
  console.log('e2e bidder: ok');
});
