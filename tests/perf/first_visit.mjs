// Visits on a slow phone: 4x CPU slowdown, 1.6 Mbps down / 750 kbps up and 150 ms round trips
// (Chrome's "Slow 4G"-like profile the issue names). A measurement, not a test: it prints
// figures.
//
//   node tests/perf/first_visit.mjs [runs]        (needs target/debug/beacon or BEACON_BIN
//                                                  and a built frontend/dist)
//
// - First visit: an empty cache, until the sign-in form is usable (#login-submit enabled and
//   #username accepts typing). Targets ≤ 2.0 s.
// - Repeat visit: the same phone after signing in once (its service worker installed), until
//   home is usable (the member's card and points on screen). Targets ≤ 0.8 s.
// - Offline: the repeat visit with the network cut must also reach a usable home.
import { launchBrowser, phonePage, startServer, signIn } from '../e2e/support.mjs';

const runs = Number(process.argv[2] || 5);
const server = await startServer();
const browser = await launchBrowser();
const first = [];
const repeat = [];
const offline = [];
const bytes = [];

async function slowPhone(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1000 * 1000) / 8,
    uploadThroughput: (750 * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return cdp;
}

// Home is usable once the member's card and their points (both from the API) are on screen.
async function homeUsable(page) {
  await page.locator('.page.home .hero').waitFor({ timeout: 60_000 });
  await page.locator('.page.home .points').waitFor({ timeout: 60_000 });
}

try {
  for (let i = 0; i < runs; i++) {
    const { context, page } = await phonePage(browser);
    const cdp = await slowPhone(context, page);
    let received = 0;
    cdp.on('Network.loadingFinished', (e) => (received += e.encodedDataLength));
    let start = Date.now();
    await page.goto(`${server.base}/login`, { waitUntil: 'commit' });
    await page.locator('#login-submit:enabled').waitFor({ timeout: 60_000 });
    await page.locator('#username').fill('m001');
    first.push(Date.now() - start);
    bytes.push(received);

    // Signed in once, the service worker installed: a new visit to the app.
    await signIn(page, server.base, 'm001');
    await homeUsable(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    const again = await context.newPage();
    await slowPhone(context, again);
    start = Date.now();
    await again.goto(`${server.base}/`, { waitUntil: 'commit' });
    await homeUsable(again);
    repeat.push(Date.now() - start);
    await again.close();

    await context.setOffline(true);
    const cut = await context.newPage();
    await slowPhone(context, cut);
    await context.setOffline(true);
    start = Date.now();
    await cut.goto(`${server.base}/`, { waitUntil: 'commit' });
    await homeUsable(cut);
    offline.push(Date.now() - start);
    console.log(
      `run ${i + 1}: first visit ${first[i]} ms (${received} bytes on the wire), ` +
        `repeat visit ${repeat[i]} ms, offline ${offline[i]} ms`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`over ${runs} runs (median, min-max):`);
for (const [name, xs, target] of [
  ['first visit to a usable sign-in form', first, 2000],
  ['repeat visit to a usable home', repeat, 800],
  ['repeat visit offline', offline, 800],
]) {
  const m = median(xs);
  console.log(
    `  ${name}: ${m} ms (${Math.min(...xs)}-${Math.max(...xs)}), target ${target} ms: ${m <= target ? 'met' : 'NOT met'}`,
  );
}
