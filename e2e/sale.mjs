// A land listing followed live, in Debian chromium driven by playwright-core: a visitor opens the
// listing from /sales and keeps its page open; a bidder signs in, opens the same page (which now
// has the bid form), is refused a bid below the current minimum with the API's Chinese message
// next to the form, then bids the minimum and gets its receipt; the visitor's page shows the new
// bid without reloading, within a second. Then the bidder hands in a sealed tender bid (only its
// commitment) and is refused a second one. Screenshots go to SHOT_DIR.
//
// Environment: GGZY_URL, SHOT_DIR, BROWSER_PROFILE (a fresh directory), CHROMIUM (default
// /usr/bin/chromium).

import { base, check, launch, run, shot } from './browser.mjs';

// Demo data (crates/ggzy/src/demo_sales.rs): a listing whose last bid is 12,600万元 by bidder2;
// bidder3 holds a paddle; the increment is 100万元.
const LISTING = '杭政储出〔2026〕31号地块';
// A land tender taking sealed bids; every demo bidder holds a paddle.
const TENDER = '杭政储出〔2026〕35号地块';
const BIDDER = 'bidder3';
const PASSWORD = 'ggzy-demo-2026';

await run(await launch({ width: 1280, height: 900 }), 'sale-failure', async (browser) => {
  // 1. The visitor finds the listing and keeps its page open.
  const visitor = browser.pages()[0] ?? (await browser.newPage());
  await visitor.goto(new URL('/sales', base).href);
  await visitor.getByRole('heading', { level: 1, name: '土地与产权交易' }).waitFor();
  await visitor.getByRole('link', { name: new RegExp(LISTING) }).click();
  await visitor.waitForURL(/\/sales\/JY/);
  const rows = visitor.locator('#bids tr');
  const before = await rows.count();
  check(before >= 1, `the listing shows its bids (${before})`);
  const countdown = await visitor.locator('#countdown').textContent();
  check(countdown.includes('小时'), `the countdown runs on the server's clock (${countdown})`);
  check((await visitor.locator('#bid-form').count()) === 0, 'a visitor gets no bid form');
  // The live view starts after the page's version: once it is connected (the clock has ticked),
  // no bid is shown twice.
  await visitor.waitForTimeout(1_500);
  check((await rows.count()) === before, `no bid is shown twice (${await rows.count()} rows, ${before} rendered)`);
  await shot(visitor, 'sale-visitor.png');

  // 2. The bidder signs in (a second tab of the same browser) and opens the same page.
  const bidder = await browser.newPage();
  await bidder.goto(new URL('/sales', base).href);
  const login = await bidder.evaluate(async ([username, password]) => {
    const response = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return response.status;
  }, [BIDDER, PASSWORD]);
  check(login === 200, `the bidder signs in (${login})`);
  await bidder.goto(visitor.url());
  await bidder.locator('#bid-form').waitFor();
  const minimumFen = Number(await bidder.locator('#minimum').getAttribute('data-fen'));
  check(minimumFen > 0, `the page shows the minimum next bid (${minimumFen})`);

  // 3. Below the minimum: the API's Chinese message next to the form, nothing recorded.
  await bidder.getByLabel('出价（元）').fill(String((minimumFen - 50_000_000) / 100));
  await bidder.getByRole('button', { name: '出价' }).click();
  const error = bidder.locator('#bid-error');
  await error.filter({ hasText: '出价须不低于' }).waitFor();
  await shot(bidder, 'sale-bid-refused.png');

  // 4. The minimum: a receipt; the visitor's page gets the row within a second, without reloading.
  await bidder.getByLabel('出价（元）').fill(String(minimumFen / 100));
  await bidder.getByRole('button', { name: '出价' }).click();
  await bidder.locator('#bid-receipt').filter({ hasText: '出价已记录' }).waitFor();
  const receivedAt = Date.now();
  await visitor.waitForFunction((n) => document.querySelectorAll('#bids tr').length === n, before + 1, { timeout: 1_000 });
  const lag = Date.now() - receivedAt;
  const top = await visitor.locator('#bids tr').first().textContent();
  check(top.includes((minimumFen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })), `the new bid is on top (${top})`);
  console.log(`the visitor's page showed the bid ${lag} ms after the bidder's receipt`);
  await shot(bidder, 'sale-bid-receipt.png');
  await shot(visitor, 'sale-visitor-updated.png');

  // 5. A land tender taking sealed bids: nothing about its bids shows before the deadline; the
  //    bidder hands in only a commitment to its price and gets the receipt; a second one is refused
  //    with the API's Chinese message (a bid in the box is final, 39号令 第十三条).
  await bidder.goto(new URL('/sales', base).href);
  await bidder.getByRole('link', { name: new RegExp(TENDER) }).click();
  await bidder.waitForURL(/\/sales\/JY/);
  check((await bidder.getByText('投标截止前不公开投标人及投标数量').count()) === 1, 'no bid shows before the deadline');
  await bidder.getByLabel(/报价承诺值/).fill('ab'.repeat(32));
  await bidder.getByRole('button', { name: '递交投标' }).click();
  await bidder.locator('#bid-receipt').filter({ hasText: '投标已递交' }).waitFor();
  await bidder.getByLabel(/报价承诺值/).fill('cd'.repeat(32));
  await bidder.getByRole('button', { name: '递交投标' }).click();
  await bidder.locator('#bid-error').filter({ hasText: '不可撤回' }).waitFor();
  await shot(bidder, 'sale-tender-sealed.png');
  console.log('e2e sale: ok');
});
