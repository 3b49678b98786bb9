// First visit on a slow phone: how long until the sign-in form can be used, with an empty
// cache, 4x CPU slowdown, 1.6 Mbps down / 750 kbps up and 150 ms round trips (Chrome's
// "Slow 4G"-like profile the issue names). A measurement, not a test: it prints figures.
//
//   node tests/perf/first_visit.mjs [runs]        (needs target/debug/beacon or BEACON_BIN
//                                                  and a built frontend/dist)
// "Usable" = #login-submit is on screen and enabled and #username accepts typing.
import { launchBrowser, phonePage, startServer } from '../e2e/support.mjs';

const runs = Number(process.argv[2] || 5);
const server = await startServer();
const browser = await launchBrowser();
const times = [];
const bytes = [];
try {
  for (let i = 0; i < runs; i++) {
    const { context, page } = await phonePage(browser);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1000 * 1000) / 8,
      uploadThroughput: (750 * 1000) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let received = 0;
    cdp.on('Network.loadingFinished', (e) => (received += e.encodedDataLength));
    const start = Date.now();
    await page.goto(`${server.base}/login`, { waitUntil: 'commit' });
    await page.locator('#login-submit:enabled').waitFor({ timeout: 60_000 });
    await page.locator('#username').fill('m001');
    const ms = Date.now() - start;
    times.push(ms);
    bytes.push(received);
    console.log(`run ${i + 1}: sign-in form usable after ${ms} ms (${received} bytes on the wire)`);
    await context.close();
  }
} finally {
  await browser.close();
  server.stop();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`median ${median} ms over ${runs} runs; min ${times[0]} ms, max ${times[times.length - 1]} ms`);
