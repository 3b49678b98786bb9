// The frontend is two builds of one crate: the member app, which members' phones download,
// and the organizer/admin console under /admin/. These tests watch what the browser downloads.
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

// Each app's files are in a folder of its own, named by their hash: the first download
// (<app>_bg.wasm) and the chunks of the pages outside it (split_<name>.wasm, chunk_<n>.wasm).
const MEMBER_WASM = /\/assets\/beacon-[0-9a-f]{10}\/\w+\.wasm$/;
const CONSOLE_WASM = /\/assets\/console-[0-9a-f]{10}\/\w+\.wasm$/;
const MAIN_WASM = /_bg\.wasm$/;
const CHUNK_WASM = /\/(split|chunk)_\w+\.wasm$/;

/** The wasm files the current document loaded (from the network or the cache). */
function loadedWasm(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.wasm')),
  );
}

/** Every script and wasm URL the page requests, as it requests them. */
function watchDownloads(page) {
  const urls = [];
  page.on('request', (r) => {
    if (/\.(wasm|js)$/.test(new URL(r.url()).pathname)) urls.push(r.url());
  });
  return urls;
}

test("a member's downloads hold no console code, even at a console address", async () => {
  const { page, errors, context } = await phonePage(browser);
  const urls = watchDownloads(page);
  await signIn(page, server.base, 'm001');
  await page.locator('.page.home').waitFor();
  await page.goto(server.base + '/study');
  await page.locator('.page.study').waitFor();
  // A console address typed by a member: the server sends the member app, which goes home.
  await page.goto(server.base + '/admin/members');
  await page.locator('.page.home').waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  for (const p of await loadedWasm(page)) assert.match(p, MEMBER_WASM);
  const wasm = urls.filter((u) => u.endsWith('.wasm'));
  assert.ok(wasm.length >= 1, 'the member app was loaded');
  for (const u of wasm) assert.match(u, MEMBER_WASM);
  assert.deepEqual(
    urls.filter((u) => /\/console-/.test(u)),
    [],
    'no console script or wasm was requested',
  );
  // The server's answer at a console address names only the member app's files.
  const html = await page.evaluate(async () => (await fetch('/admin/org')).text());
  assert.match(html, /beacon-[0-9a-f]{10}\/member\.js/);
  assert.doesNotMatch(html, /console-/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an organizer opens the console from the member app and goes back', async () => {
  const { page, errors, context } = await phonePage(browser);
  const urls = watchDownloads(page);
  // Signed out at a console address: sign in first, then the console opens there.
  await page.goto(server.base + '/admin/questions');
  await page.waitForSelector('#username');
  assert.match(page.url(), /\/login\?next=%2Fadmin%2Fquestions$/);
  await page.fill('#username', 'org1');
  await page.fill('#password', 'Beacon2023');
  await page.click('#login-submit');
  await page.locator('.page.admin-questions').waitFor();
  const memberWasm = urls.filter((u) => MEMBER_WASM.test(u) && MAIN_WASM.test(u));
  const consoleWasm = urls.filter((u) => CONSOLE_WASM.test(u) && MAIN_WASM.test(u));
  assert.ok(memberWasm.length >= 1, 'the sign-in page is the member app');
  assert.equal(consoleWasm.length, 1, 'the console was loaded once');
  assert.notEqual(new URL(memberWasm[0]).pathname, new URL(consoleWasm[0]).pathname);
  await screenshot(page, 'console-questions');

  const onlyFrom = async (app, main) => {
    const loaded = await loadedWasm(page);
    for (const p of loaded) assert.match(p, app);
    assert.ok(loaded.includes(new URL(main).pathname), `${main} in ${loaded}`);
  };
  await onlyFrom(CONSOLE_WASM, consoleWasm[0]);

  // The bottom navigation's home link leaves the console for the member app …
  await page.click('.bottom-nav a[href="/"]');
  await page.locator('.page.home').waitFor();
  await onlyFrom(MEMBER_WASM, memberWasm[0]);
  // … whose "manage" link opens the console again.
  await page.click('.bottom-nav a[href="/admin/org"]');
  await page.locator('.page.admin-org').waitFor();
  await onlyFrom(CONSOLE_WASM, consoleWasm[0]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('pages outside the first download arrive as chunks when opened, and a failed fetch can be retried', async () => {
  // Before its service worker has installed (a first visit), the app fetches each chunk as
  // its page opens; the worker then caches them all (offline.test.mjs), so it is kept out.
  const { page, errors, context } = await phonePage(browser, undefined, { serviceWorkers: 'block' });
  const urls = watchDownloads(page);
  await signIn(page, server.base, 'm001');
  await page.locator('.page.home').waitFor();
  // Home and the daily quiz are in the first download: no chunk yet.
  assert.deepEqual(urls.filter((u) => CHUNK_WASM.test(u)), []);

  // Offline: the ranking's chunk cannot be fetched; the page says so where the page would be.
  await page.route(CHUNK_WASM, (route) => route.abort('internetdisconnected'));
  await page.click('.bottom-nav a[href="/ranking"]');
  const banner = page.locator('main .banner.error');
  await banner.waitFor();
  assert.match(await banner.innerText(), /网络/);
  await screenshot(page, 'chunk-offline');
  // Back online, 重试 fetches it and shows the page, without reloading the app.
  await page.unroute(CHUNK_WASM);
  await banner.locator('button').click();
  await page.locator('.page.ranking').waitFor();
  assert.ok(urls.some((u) => /\/split_ranking\.wasm$/.test(u)), 'the ranking chunk was fetched');
  assert.equal(urls.filter((u) => MAIN_WASM.test(u)).length, 1, 'the app was not reloaded');

  // A chunk is fetched once: leaving and coming back costs no download.
  const before = urls.length;
  await page.click('.bottom-nav a[href="/"]');
  await page.locator('.page.home').waitFor();
  await page.click('.bottom-nav a[href="/ranking"]');
  await page.locator('.page.ranking').waitFor();
  assert.deepEqual(urls.slice(before).filter((u) => CHUNK_WASM.test(u)), []);
  // The failed fetch is the only error the console saw.
  assert.ok(errors.every((e) => /split_ranking|Failed to fetch|network|ERR_INTERNET/i.test(e)), errors.join('\n'));
  await context.close();
});
