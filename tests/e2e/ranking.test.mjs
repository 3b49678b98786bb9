// Points and leaderboards on a phone: the home page's points card, the individual board
// (ties share a rank; a member outside the top 10 sees their neighbourhood) and the group
// board, which says which fair measure it ranks by.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test('a member sees their points and the leaderboards', { timeout: 120_000 }, async () => {
  // Eleven colleagues sign in first: one point each for the day.
  for (let n = 2; n <= 12; n++) {
    const username = `m${String(n).padStart(3, '0')}`;
    const r = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'Beacon2023' }),
    });
    assert.equal(r.status, 200, `${username} signs in`);
  }
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'm001');

  // Home: the points card with today's sign-in point.
  const card = page.locator('.page.home .points');
  await card.waitFor();
  assert.match(await card.innerText(), /每日登录\s*1\/1/);
  assert.match(await card.locator('.stats').innerText(), /1\s*今日/);

  // The organization's board this week: twelve members, all tied at one point.
  await page.click('.bottom-nav a[href="/ranking"]');
  const board = page.locator('.page.ranking .board');
  await board.waitFor();
  const text = await board.innerText();
  assert.match(text, /12人参与/);
  assert.match(text, /我的排名：第1名/);
  const rows = board.locator('.rank-list').first().locator('.rank-row');
  assert.equal(await rows.count(), 10, 'the top 10');
  const ranks = await rows.locator('.rank').allInnerTexts();
  assert.deepEqual([...new Set(ranks)], ['1'], 'ties share a rank');
  // Having signed in last, m001 is listed after the top 10, with the neighbourhood.
  assert.match(text, /我的位置/);
  assert.equal(await board.locator('.rank-row.me').count(), 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await screenshot(page, 'ranking');

  // Branches against each other: the page names the measure, and another can be chosen.
  await page.click('.chips a[href*="board=branches"]');
  await page.locator('.measure-note').waitFor();
  assert.match(await page.locator('.measure-note').innerText(), /按参与率排名/);
  assert.match(await page.locator('.board').innerText(), /机关第一党支部/);
  await page.click('.chips a[href*="measure=average"]');
  await page.locator('.measure-note', { hasText: '按人均积分排名' }).waitFor();
  assert.match(page.url(), /board=branches.*measure=average/);
  await screenshot(page, 'ranking-branches');

  // The period is a chip too.
  await page.click('.chips a[href*="period=all"]');
  await page.locator('.chip[aria-current="page"]', { hasText: '累计' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('an admin changes the points rules and settings; members earn by the new rules', { timeout: 120_000 }, async () => {
  const { page, errors, context } = await phonePage(browser);
  await signIn(page, server.base, 'admin');
  await page.locator('.page.home #to-console').waitFor();
  await page.goto(`${server.base}/admin/points`);
  const form = page.locator('.page.admin-points form');
  await form.waitFor();
  // Two points for signing in, up to two a day; names outside the top 10 as initials.
  await form.locator('input[name="p:sign_in"]').fill('2');
  await form.locator('input[name="c:sign_in"]').fill('2');
  await form.locator('input[name="initials"]').check();
  await form.locator('input[name="goal_target"]').fill('40');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await screenshot(page, 'admin-points');
  await page.click('#points-save');
  await page.locator('.page.admin-points .banner.success').waitFor();

  // A value the server refuses is explained, and nothing is saved.
  await form.locator('input[name="p:lesson"]').fill('-5');
  await page.click('#points-save');
  await page.locator('.page.admin-points .banner.error').waitFor();

  // The saved values are what the server now holds.
  await page.reload();
  await form.waitFor();
  assert.equal(await form.locator('input[name="p:sign_in"]').inputValue(), '2');
  assert.equal(await form.locator('input[name="p:lesson"]').inputValue(), '1');
  assert.equal(await form.locator('input[name="initials"]').isChecked(), true);
  assert.equal(await form.locator('input[name="goal_target"]').inputValue(), '40');
  assert.deepEqual(errors, []);
  await context.close();

  // A member who signs in now earns two points, shown on the home page.
  const member = await phonePage(browser);
  await signIn(member.page, server.base, 'm030');
  const card = member.page.locator('.page.home .points');
  await card.waitFor();
  assert.match(await card.innerText(), /每日登录\s*2\/2/);
  assert.deepEqual(member.errors, []);
  await member.context.close();
});
