// The member app on a train: installable (manifest, icons, service worker), a repeat visit
// and an opened lesson work with the network cut, an answer given offline waits on the phone
// (across a reload) and reaches the server when the network returns, and signing out clears
// what the phone kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, screenshot, signIn, api } from './support.mjs';

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

/** Waits until the service worker has installed the app and controls the page. */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
}

/** Answers the question on screen (a tap, or typing into its blanks). */
async function answerOnScreen(page) {
  const blanks = page.locator('.question .blank input');
  if (await blanks.count()) {
    for (let b = 0; b < (await blanks.count()); b++) await blanks.nth(b).fill('两个维护');
  } else {
    await page.locator('.choice').first().click();
  }
}

test('installable; the app and an opened lesson open with the network cut', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await phonePage(browser);
  await signIn(page, server.base, 'm010');
  await page.locator('.page.home').waitFor();
  await controlled(page);

  // Installable: a manifest naming the app, with PNG icons that load.
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel="manifest"]');
    const m = await (await fetch(link.href)).json();
    const icons = [];
    for (const i of m.icons) {
      const r = await fetch(i.src);
      icons.push({ sizes: i.sizes, status: r.status, type: r.headers.get('content-type') });
    }
    return { m, icons };
  });
  assert.equal(manifest.m.short_name, '灯塔');
  assert.equal(manifest.m.display, 'standalone');
  assert.equal(manifest.m.start_url, '/');
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));
  for (const i of manifest.icons) {
    assert.equal(i.status, 200);
    assert.equal(i.type, 'image/png');
  }

  // A lesson read once, with its rule and progress in the sticky bar.
  const modules = (await api(page, '/api/v1/modules')).json;
  const detail = (await api(page, `/api/v1/modules/${modules[0].id}`)).json;
  const lesson = detail.lessons[0];
  await page.goto(`${server.base}/modules/${modules[0].id}`);
  const study = page.locator('#module-study');
  await study.waitFor();
  assert.equal((await study.innerText()).trim(), '开始学习', 'an untouched module starts');
  await study.click();
  await page.locator('.lesson-body .prose').waitFor();
  const text = await page.locator('.lesson-body .prose').innerText();
  const clock = page.locator('#lesson-clock');
  assert.match(await clock.innerText(), /^已学\d+秒\/\d+分(\d+秒|钟) · 已读\d+%$/);
  const min = lesson.progress.min_seconds;
  const need = min % 60 ? `${Math.floor(min / 60)}分${min % 60}秒` : `${min / 60}分钟`;
  assert.ok((await clock.innerText()).includes(`/${need}`), `the bar says the server's ${min} s`);
  // Scrolled down, the bar is still on screen.
  await page.mouse.wheel(0, 1500);
  await page.waitForTimeout(300);
  const top = await clock.evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 120, `the study bar scrolled away (top ${top})`);
  await screenshot(page, 'offline-lesson-online');
  await page.goto(`${server.base}/modules/${modules[0].id}`);
  await page.locator('#module-study', { hasText: '继续学习' }).waitFor();
  await page.goto(`${server.base}/`);
  await page.locator('.page.home').waitFor();

  // The network goes: the app still opens, says it is offline, and the lesson reads.
  await context.setOffline(true);
  await page.goto(`${server.base}/`);
  await page.locator('.page.home').waitFor();
  await page.locator('#offline-banner', { hasText: '当前离线' }).waitFor();
  await screenshot(page, 'offline-home');
  await page.goto(`${server.base}/lessons/${lesson.id}`);
  await page.locator('.lesson-body .prose').waitFor();
  assert.equal(await page.locator('.lesson-body .prose').innerText(), text);
  await screenshot(page, 'offline-lesson');
  await context.setOffline(false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an answer given offline waits on the phone, survives a reload and reaches the server', { timeout: 120_000 }, async () => {
  const { page, context, errors } = await phonePage(browser);
  await signIn(page, server.base, 'm011');
  await page.locator('.page.home').waitFor();
  await controlled(page);
  const quizzes = (await api(page, '/api/v1/quizzes')).json;
  const practice = quizzes.find((q) => q.kind === 'practice' && q.can_start);
  const started = await api(page, `/api/v1/quizzes/${practice.id}/attempts`, 'POST', {});
  assert.equal(started.status, 201);
  const id = started.json.id;
  await page.goto(`${server.base}/attempts/${id}`);
  await page.locator('.question').waitFor();

  await context.setOffline(true);
  await answerOnScreen(page);
  const waiting = page.locator('#answers-waiting');
  await waiting.waitFor();
  assert.match(await waiting.innerText(), /1个答案在本机等待发送/);
  const kept = await page.evaluate((id) => localStorage.getItem(`beacon.pending.${id}`), id);
  assert.ok(kept, 'the answer is kept on the phone');

  // A reload without a network: the page comes from the phone and the answer is still there.
  await page.reload();
  await page.locator('.question').waitFor();
  await page.locator('#answers-waiting').waitFor();
  await screenshot(page, 'offline-answer-waiting');

  // The network returns: the answer is sent by itself and the server has it.
  await context.setOffline(false);
  await page.locator('.save-state.saved').waitFor({ timeout: 30_000 });
  await page.locator('#answers-waiting').waitFor({ state: 'detached' });
  const view = (await api(page, `/api/v1/attempts/${id}`)).json;
  assert.ok(view.questions[0].answer, 'the server has the first answer');
  assert.equal(await page.evaluate((id) => localStorage.getItem(`beacon.pending.${id}`), id), null);

  // Offline again, a second answer waits; signing out (which works offline) clears the phone.
  await page.click('#answer-next');
  await page.locator('.runner-count', { hasText: '第2/' }).waitFor();
  await context.setOffline(true);
  await answerOnScreen(page);
  await page.locator('#answers-waiting').waitFor();
  assert.ok(await page.evaluate(() => caches.has('beacon-data')), 'reads were kept');
  await page.click('#account');
  await page.click('#logout');
  await page.click('#logout-confirm');
  await page.waitForSelector('#username');
  const left = await page.evaluate(async () => ({
    reads: await caches.has('beacon-data'),
    pending: Object.keys(localStorage).filter((k) => k.startsWith('beacon.pending.')),
  }));
  assert.deepEqual(left, { reads: false, pending: [] });
  await context.setOffline(false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a timed exam that runs out with an unsaved pick on screen grades that pick', { timeout: 120_000 }, async () => {
  // org1 publishes a one-minute exam for a member of their branch.
  const org = await phonePage(browser);
  await signIn(org.page, server.base, 'org1');
  await org.page.locator('.page.home').waitFor();
  const members = await api(org.page, '/api/v1/members?per_page=100');
  const member = members.json.items.find((m) => m.role === 'member' && m.branch_id != null && m.username !== 'm010' && m.username !== 'm011');
  const bank = await api(org.page, '/api/v1/questions?per_page=50');
  const choice = bank.json.items.filter((q) => q.kind === 'single').slice(0, 2);
  assert.equal(choice.length, 2);
  const created = await api(org.page, '/api/v1/manage/quizzes', 'POST', {
    title: '一分钟限时测验', kind: 'exam', owner: { branch_id: member.branch_id },
    questions: choice.map((q) => q.id), reveal: 'after_submit', shuffle_options: false,
    audience: { branch_ids: [member.branch_id] }, required: false, pass_mark: 60,
    time_limit_secs: 60, max_attempts: 1,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id;
  assert.equal((await api(org.page, `/api/v1/manage/quizzes/${id}/status`, 'POST', { status: 'published' })).status, 200);
  await org.context.close();

  const { page, context, errors } = await phonePage(browser);
  // The page's clock is a fake that runs normally until the test jumps it to the deadline.
  await page.clock.install();
  await signIn(page, server.base, member.username);
  await page.locator('.page.home').waitFor();
  await page.goto(`${server.base}/quizzes/${id}/start`);
  await page.click('#begin');
  await page.locator('.question').waitFor();
  // The save of the pick does not get through (a dead spot in the building) …
  await page.route('**/answers/**', (route) => route.abort('internetdisconnected'));
  await page.locator('.choice').nth(1).click();
  await page.locator('.save-state.bad').waitFor();
  // … and the network is back only as the time runs out: the pick on screen is graded.
  await page.unroute('**/answers/**');
  await page.clock.fastForward(61_000);
  await page.locator('.page.attempt .result, .page.attempt .rv-line').first().waitFor({ timeout: 30_000 });
  const view = (await api(page, '/api/v1/quizzes')).json.find((q) => q.id === id);
  assert.equal(view.attempts_used, 1);
  const first = page.locator('.rv-line').first();
  assert.match(await first.innerText(), /您的答案：B/);
  await screenshot(page, 'timed-exam-graded-pick');
  assert.deepEqual(errors.filter((e) => !/answers/.test(e)), []);
  await context.close();
});
