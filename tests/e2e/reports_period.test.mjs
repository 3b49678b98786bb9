// Reports for any period (issue 17), at 1280x800 and 390x844: last quarter's activity is
// written into the server's database as the quiz code writes it (graded attempts three
// months back); the admin taps 上季度 on the dashboard, sees who has not finished by name,
// downloads the member × item matrix (a real XLSX with a sheet per branch), drills down to a
// branch and filters it to the unfinished; reminds with a confirmation and sees how many
// were reminded, the page staying where it was; a second reminder the same day is refused
// with the server's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const DAY = 86_400_000;
const OFFSET = 8 * 3600 * 1000;

/** Last quarter's key (`2026-Q3`) and a moment in its middle, from the Shanghai calendar. */
function lastQuarter(now = Date.now()) {
  const local = new Date(now + OFFSET);
  let y = local.getUTCFullYear();
  let q = Math.floor(local.getUTCMonth() / 3); // this quarter, 0-based
  if (q === 0) {
    y -= 1;
    q = 4;
  }
  const start = Date.UTC(y, (q - 1) * 3, 1) - OFFSET;
  return { key: `${y}-Q${q}`, label: `${y}年第${q}季度`, middle: start + 45 * DAY + 10 * 3600 * 1000 };
}

function sql(db, statement) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, statement]).toString().trim();
}

/** Only the special quiz is assigned; m001 and m002 passed it last quarter, m003 failed. */
function lastQuartersWork(db, at) {
  const quiz = Number(sql(db, "SELECT id FROM quizzes WHERE kind = 'special' ORDER BY id LIMIT 1"));
  // A pass mark, so a submission below it is not a completion.
  sql(db, `UPDATE quizzes SET pass_mark = 60 WHERE id = ${quiz}`);
  sql(db, "UPDATE modules SET audience = 'units'");
  sql(db, `UPDATE quizzes SET status = 'draft' WHERE id <> ${quiz} AND (required = 1 OR kind IN ('special', 'exam'))`);
  for (const [username, score] of [['m001', 1000], ['m002', 900], ['m003', 300]]) {
    const id = sql(
      db,
      `INSERT INTO attempts (quiz_id, user_id, period, seq, from_mistakes, started_at, question_count)
       SELECT ${quiz}, id, '-', 1, 0, ${at}, 1 FROM users WHERE username = '${username}' RETURNING id`,
    );
    sql(db, `UPDATE attempts SET submitted_at = ${at}, correct_count = 1, score_milli = ${score} WHERE id = ${id}`);
  }
  // Demo names repeat across members; these four get names of their own.
  for (const [u, n] of [['m001', '测试通过甲'], ['m002', '测试通过乙'], ['m003', '测试未及格'], ['m004', '测试未作答']]) {
    sql(db, `UPDATE users SET display_name = '${n}' WHERE username = '${u}'`);
  }
  const name = (u) => sql(db, `SELECT display_name FROM users WHERE username = '${u}'`);
  return { quiz, passed: [name('m001'), name('m002')], failed: name('m003'), idle: name('m004') };
}

/** The sheet names of an XLSX file (its workbook part, read with unzip). */
function sheetNames(file) {
  const xml = execFileSync('unzip', ['-p', file, 'xl/workbook.xml']).toString();
  return [...xml.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
}

for (const [label, viewport] of [
  ['desk', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test(`${label}: last quarter's report, its non-completers, the matrix, a unit's table and a reminder once a day`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'beacon-reports-'));
    const db = path.join(dir, 'beacon.db');
    const server = await startServer({ DATABASE_URL: `sqlite:${db}` });
    try {
      const lq = lastQuarter();
      const work = lastQuartersWork(db, lq.middle);
      const { page, errors, context } = await phonePage(browser, viewport);
      await signIn(page, server.base, 'admin');
      await page.locator('.page.home').waitFor();
      await page.goto(server.base + '/admin/dashboard');
      await page.locator('.page.admin-dashboard .summary').waitFor();
      assert.match(await page.locator('.summary .completed-means').innerText(), /已提交但未及格的不算完成/);

      // 上季度 is one tap from the dashboard.
      await page.locator(`.report-links a[data-period="${lq.key}"]`).click();
      await page.waitForURL(new RegExp(`period=${lq.key}`));
      await page.locator('.report-head').waitFor();
      await page.locator('.report-names').waitFor();
      const head = await page.locator('.report-head').innerText();
      assert.match(head, new RegExp(`季度督导报告 · ${lq.label}`));
      assert.match(head, /上一周期没有学习或答题数据，不作比较/);
      assert.equal(await page.locator(`.report-chooser .chip[data-period="${lq.key}"]`).getAttribute('aria-current'), 'page');
      const names = await page.locator('.report-names').innerText();
      assert.match(names, new RegExp(work.failed), `failed the quiz: not completed: ${work.failed} in ${names}`);
      assert.match(names, new RegExp(work.idle));
      for (const p of work.passed) assert.doesNotMatch(names, new RegExp(p));
      assert.match(await page.locator('.report-items').innerText(), /专项答题/);
      await screenshot(page, `reports-period-${label}`);

      // The member × item matrix downloads as a real XLSX, a sheet per branch.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-action="matrix"]').click(),
      ]);
      assert.match(download.suggestedFilename(), new RegExp(`学习完成明细_${lq.label}\\.xlsx$`));
      const file = path.join(dir, 'matrix.xlsx');
      await download.saveAs(file);
      assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK');
      assert.deepEqual(sheetNames(file), ['机关第一党支部', '机关第二党支部', '机关第三党支部', '机关第四党支部']);

      // Drill down to the first unit with non-completers: a table, filtered to unfinished.
      await page.locator('.non-completers a').first().click();
      await page.waitForURL(new RegExp(`/admin/dashboard/(branches|youth-groups)/\\d+\\?period=${lq.key}`));
      await page.locator('table.matrix tbody tr').first().waitFor();
      const all = await page.locator('table.matrix tbody tr').count();
      assert.match(await page.locator('table.matrix thead').innerText(), /专项答题/);
      await page.locator('[data-action="only-unfinished"]').click();
      await page.waitForURL(/only=unfinished/);
      const behind = await page.locator('table.matrix tbody tr').count();
      assert.ok(behind > 0 && behind < all, `${behind} of ${all}`);
      assert.equal(await page.locator('table.matrix tbody tr.done').count(), 0);
      assert.match(await page.locator('.showing').innerText(), new RegExp(`显示${behind}/${all}名成员`));
      if (viewport.width < 500) {
        // The table scrolls inside its frame, the page does not; the member column stays.
        const sizes = await page.evaluate(() => {
          const wrap = document.querySelector('.matrix-wrap');
          return { wrap: wrap.scrollWidth - wrap.clientWidth, page: document.documentElement.scrollWidth };
        });
        assert.ok(sizes.page <= 390, `the page is ${sizes.page} px wide`);
        if (sizes.wrap > 0) {
          const x0 = (await page.locator('tbody th.member').first().boundingBox()).x;
          await page.evaluate(() => (document.querySelector('.matrix-wrap').scrollLeft = 400));
          const x1 = (await page.locator('tbody th.member').first().boundingBox()).x;
          assert.equal(Math.round(x1), Math.round(x0), 'the member column is sticky');
        }
      }
      await screenshot(page, `reports-unit-${label}`);

      // Remind the unfinished members of the special quiz: asked first, then counted.
      await page.goto(server.base + '/admin/dashboard?p=all');
      const remind = page.locator(`[data-action="remind-quiz"][data-id="${work.quiz}"]`);
      await remind.scrollIntoViewIfNeeded();
      const y0 = await page.evaluate(() => window.scrollY);
      await remind.click();
      await page.locator('.sheet-backdrop [data-action="confirm-remind"]').waitFor();
      assert.match(await page.locator('.sheet-backdrop').innerText(), /同一成员同一项每天只提醒一次/);
      await screenshot(page, `reports-remind-confirm-${label}`);
      await page.locator('[data-action="confirm-remind"]').click();
      const sent = page.locator('.banner.success');
      await sent.waitFor();
      const reached = Number((await sent.innerText()).match(/已提醒(\d+)名/)[1]);
      // Everyone assigned but m001 and m002 (who passed).
      const assigned = Number(sql(db, "SELECT COUNT(*) FROM users WHERE active = 1 AND role <> 'admin'"));
      assert.equal(reached, assigned - 2);
      const y1 = await page.evaluate(() => window.scrollY);
      assert.ok(Math.abs(y1 - y0) < 2, `the page stayed where it was (${y0} → ${y1})`);
      await screenshot(page, `reports-reminded-${label}`);
      // The same reminder again today is refused with the reason.
      await page.locator('.banner.success button').click();
      await remind.click();
      await page.locator('[data-action="confirm-remind"]').click();
      const refused = page.locator('.banner.error');
      await refused.waitFor();
      assert.match(await refused.innerText(), /今天已经提醒过\d+名未完成的成员/);
      await screenshot(page, `reports-remind-refused-${label}`);
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      server.stop();
    }
  });
}
