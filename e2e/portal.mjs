// A public visitor on the portal, in Debian chromium driven by playwright-core:
// searches a Chinese query, finds the notice, opens it and reads its timeline (a step with its
// deadline and article); checks that a notice still taking bids names no bidder and that the
// transparency page shows a signed tree head; opens the results list, follows a result to its
// notice and reads the winner; then, on a phone-sized screen, filters the notice list in place
// (vendored htmx, no reload) and reads it without sideways scrolling. Screenshots go to SHOT_DIR.
//
// Environment: GGZY_URL (e.g. http://127.0.0.1:41234/), SHOT_DIR, BROWSER_PROFILE (a fresh
// directory), CHROMIUM (default /usr/bin/chromium).

import { base, check, launch, run, shot } from './browser.mjs';

// Demo data (crates/ggzy/src/demo_tenders.rs): an opened tender with this title.
const QUERY = '综合管廊';
const TITLE = '杭州市文三路综合管廊工程施工';
// A lot taken to its contract and archived: candidates, winner and contract are public.
const RESULT_TITLE = '杭州市余杭区良渚港河道综合整治工程';

await run(await launch({ width: 1280, height: 800 }), 'failure', async (browser) => {
  const page = browser.pages()[0] ?? (await browser.newPage());
  const started = Date.now();

  // 1. Home page, then a search from its form, typed like a visitor.
  await page.goto(base);
  await page.getByRole('heading', { level: 1, name: '公共资源交易平台' }).waitFor();
  await shot(page, 'home.png');
  // Keyboard: the first Tab reaches the skip link, which leads to the content.
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
  check(focused.includes('跳到正文'), `the first Tab focuses the skip link (got ${focused})`);
  await page.getByLabel('公告标题、招标人或市场主体名称').fill(QUERY);
  await page.getByLabel('公告标题、招标人或市场主体名称').press('Enter');
  await page.waitForURL(/\/search\?q=/);
  const hit = page.getByRole('link', { name: TITLE });
  await hit.first().waitFor();
  const marked = await page.locator('mark').allTextContents();
  check(marked.some((m) => QUERY.includes(m) || m.includes('管廊')), `the searched words are marked (${marked})`);
  await shot(page, 'search.png');

  // 2. The notice and its timeline.
  await hit.first().click();
  await page.waitForURL(/\/notices\//);
  const h1 = await page.getByRole('heading', { level: 1 }).textContent();
  check(h1.includes(TITLE), `the notice page is titled ${TITLE} (got ${h1})`);
  const timeline = page.locator('ol.timeline');
  const published = timeline.locator('li', { hasText: '发布招标公告，发出招标文件' });
  await published.waitFor();
  const deadline = await published.locator('.deadline').textContent();
  check(deadline.includes('投标截止时间'), `the notice step shows the bid deadline (${deadline})`);
  check(deadline.includes('招标投标法 第二十四条'), `the notice step cites its article (${deadline})`);
  check(deadline.includes('不得少于20日'), `the notice step quotes the rule (${deadline})`);
  const steps = await timeline.locator('li').count();
  check(steps >= 4, `the timeline lists the procedure's steps (${steps})`);
  await page.locator('#opening-heading').waitFor();
  // The opening hall is live: connected, and its snapshot matches what was rendered (no reload).
  await page.evaluate(() => { window.renderedOnce = true; });
  await page.locator('#hall-status').filter({ hasText: '实时连接正常' }).waitFor();
  await page.waitForTimeout(1_500);
  check(await page.evaluate(() => window.renderedOnce === true), 'the opening hall does not reload an unchanged record');
  await shot(page, 'notice.png');

  // 3. A notice still taking bids: nothing about bidders (招标投标法 第二十二条).
  await page.goto(new URL('/notices?state=bidding', base).href);
  const bidding = page.locator('ul.notice-list h3 a').first();
  await bidding.waitFor();
  await bidding.click();
  await page.waitForURL(/\/notices\//);
  const sealed = await page.locator('section', { has: page.locator('#opening-heading') }).textContent();
  check(sealed.includes('开标前不公开投标人名称'), 'a notice taking bids says bidders are sealed');
  check((await page.locator('section table').count()) === 0, 'a notice taking bids shows no opening table');
  const countdown = await page.locator('#hall-status').filter({ hasText: '距投标截止' }).textContent();
  check(countdown.includes('天'), `the hall counts down to the deadline on the server's clock (${countdown})`);

  // 4. The transparency page shows the signed tree head the demo published at start.
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '透明日志' }).click();
  await page.getByRole('heading', { level: 2, name: '最新签名树头' }).waitFor();
  const root = (await page.locator('dt:has-text("根哈希") + dd').textContent()).trim();
  check(/^[0-9a-f]{64}$/.test(root), `an SM3 root hash is shown (${root})`);
  await shot(page, 'transparency.png');

  // 5. Results: the visitor opens the results list, keeps the contracts, follows the archived
  //    lot's result to its notice page and reads the winner there (the same as the list says).
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '交易结果' }).click();
  await page.getByRole('heading', { level: 1, name: '交易结果' }).waitFor();
  await page.getByLabel('结果类型').selectOption('contract');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/kind=contract/);
  const result = page.locator('ul.notice-list li').filter({ hasText: RESULT_TITLE });
  await result.waitFor();
  const listed = (await result.locator('.meta span', { hasText: '中标人：' }).textContent()).replace('中标人：', '').trim();
  check(listed.length > 0, 'the results list names the winner');
  await shot(page, 'results.png');
  await result.getByRole('link', { name: RESULT_TITLE }).click();
  await page.waitForURL(/\/notices\//);
  const award = page.locator('dl.winner');
  await award.waitFor();
  const winner = (await award.locator('dt:has-text("中标人") + dd a').textContent()).trim();
  check(winner === listed, `the notice page names the listed winner (${winner} vs ${listed})`);
  const price = await award.locator('dt:has-text("中标价") + dd').textContent();
  check(/\d 元/.test(price), `the winning price is shown (${price})`);
  const results = await page.locator('section', { has: page.locator('#results-heading') }).textContent();
  check(results.includes('中标候选人公示') && results.includes('合同金额'), 'candidates and contract are shown');
  await page.locator('#results-heading').scrollIntoViewIfNeeded();
  await shot(page, 'result-notice.png');
  console.log(`desktop walk: ${Date.now() - started} ms`);

  // 6. A phone: the notice list fits the screen width and its filters stay usable.
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(new URL('/notices', base).href);
  await phone.getByRole('heading', { level: 1, name: '交易公告' }).waitFor();
  // With JavaScript the filters update the list in place (vendored htmx) and the address follows.
  await phone.waitForFunction(() => typeof window.htmx === 'object');
  await phone.evaluate(() => { window.stayedOnPage = true; });
  await phone.getByLabel('项目状态').selectOption('opened');
  await phone.waitForURL(/state=opened/);
  await phone.getByRole('link', { name: TITLE }).waitFor();
  check(await phone.evaluate(() => window.stayedOnPage === true), 'a filter change updates the list without reloading the page');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `no sideways scrolling on a 390 px screen (overflow ${overflow}px)`);
  await shot(phone, 'phone-notices.png');
  await phone.getByRole('link', { name: TITLE }).click();
  await phone.locator('ol.timeline').waitFor();
  const phoneOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(phoneOverflow <= 0, `the notice fits a 390 px screen (overflow ${phoneOverflow}px)`);
  await shot(phone, 'phone-notice.png');
  console.log('e2e: ok');
});
