// Issue 17's console pages, each flow at a desk (1280x800) and on a phone (390x844):
// - 学习内容: org1 writes a module with two lessons (the preview shows the server-rendered
//   Markdown), assigns it to a branch with a deadline, and a member of that branch sees it
//   on 今日任务; shipped modules are marked 只读.
// - 纠错: a member reports an organization question; org1 may only forward it (an empty
//   note is refused beside the button), the admin finds it in the forwarded queue and
//   resolves it with a reply, the list updates, and the member is notified.
// - Password resets: org1 resets a member's password (confirmed, the new password shown
//   once) and the member must change it at sign-in; the admin ticks two members, resets
//   them at once, downloads the sheet (an XLSX) once, and a second download says it was
//   downloaded already (410).
// Every new page is photographed at both sizes; nothing may be wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, api, startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

let server;
let browser;
/** Members of org1's branches (plain members), split between the flows and sizes. */
let members;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const { page, context } = await phonePage(browser);
  await signIn(page, server.base, 'org1');
  await page.locator('.page.home').waitFor();
  const list = await api(page, '/api/v1/members?per_page=100');
  members = list.json.items.filter((m) => m.role === 'member' && m.active);
  assert.ok(members.length >= 12, `org1 looks after ${members.length} members`);
  await context.close();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const DESK = { width: 1280, height: 800 };
const SIZES = [['desk', DESK, 0], ['phone', undefined, 1]];

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the screen`);
}

/** A page signed in as `who`, with confirmations accepted. */
async function signedIn(who, viewport, password) {
  const p = await phonePage(browser, viewport);
  p.page.on('dialog', (d) => d.accept());
  await signIn(p.page, server.base, who, password);
  await p.page.locator('.page.home, .page.password').first().waitFor();
  return p;
}

/** Waits for the toast saying `text` and closes it (it would cover buttons below it). */
async function closeToast(page, text) {
  const toast = page.locator('.toast', { hasText: text });
  await toast.waitFor();
  await toast.locator('button').click();
  await toast.waitFor({ state: 'detached' });
}

/** Photographs a page at its size (phones: the whole page and the first screen). */
async function shoot(page, name, size) {
  await noOverflow(page, name);
  await screenshot(page, `${name}-${size}`);
  if (size === 'phone') {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone-top.png`) });
  }
}

for (const [size, viewport, k] of SIZES) {
  test(`org1 writes, previews and assigns a module; a member sees it on 今日任务 (${size})`, { timeout: 180_000 }, async () => {
    const member = members[k];
    const title = `廉洁自律专题学习（${size}）`;
    const { page, errors, context } = await signedIn('org1', viewport);
    await page.goto(server.base + '/admin/content');
    await page.locator('.content-list .content-module').first().waitFor();
    // The shipped founding document is listed read-only, with the line about its files.
    assert.ok((await page.locator('.content-module .shipped').count()) >= 1, 'shipped modules are marked');
    assert.match(await page.locator('.shipped-note').innerText(), /只读/);
    if (size === 'desk') {
      assert.equal(await page.locator('.side-nav a[aria-current="page"]').getAttribute('href'), '/admin/content');
    }
    await shoot(page, 'console-content', size);

    // A new module, owned by the member's branch (one of org1's).
    await page.click('#new-module');
    await page.locator('#module-form').waitFor();
    await page.fill('#module-title', title);
    await page.selectOption('#module-owner', `b:${member.branch_id}`);
    await page.fill('#module-description', '学习《中国共产党廉洁自律准则》');
    await shoot(page, 'console-content-new', size);
    await page.click('#module-form button[type=submit]');
    await page.waitForURL(/\/admin\/content\/\d+$/);
    const moduleId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.locator('#lessons').waitFor();

    // Two lessons; the preview is the server's rendering of the Markdown as it is typed.
    for (const [i, lesson] of [['第一课：准则全文', '## 四个必须\n\n坚持**公私分明**，先公后私。\n\n- 克己奉公\n- 甘于奉献'], ['第二课：八条规范', '> 廉洁自律，从我做起\n\n1. 廉洁从政\n2. 廉洁用权']]) {
      await page.click('#add-lesson');
      await page.locator('#lesson-form').waitFor();
      await page.fill('#lesson-title', i);
      await page.fill('#lesson-source', `《中国共产党廉洁自律准则》第${i === '第一课：准则全文' ? 1 : 2}部分`);
      await page.fill('#lesson-minutes', '3');
      await page.fill('#lesson-body', lesson);
      if (i === '第一课：准则全文') {
        const preview = page.locator('#lesson-preview');
        await preview.locator('h2', { hasText: '四个必须' }).waitFor();
        assert.equal(await preview.locator('strong').innerText(), '公私分明');
        assert.equal(await preview.locator('li').count(), 2);
        // Raw HTML is text in the preview, as for members.
        await page.fill('#lesson-body', lesson + '\n\n<script>alert(1)</script>');
        await page.waitForFunction(() => document.querySelector('#lesson-preview')?.innerText.includes('<script>alert(1)</script>'));
        assert.equal(await preview.locator('script').count(), 0);
        await page.fill('#lesson-body', lesson);
        await page.waitForFunction(() => !document.querySelector('#lesson-preview')?.innerText.includes('<script>'));
        await shoot(page, 'console-lesson-editor', size);
      } else {
        await page.locator('#lesson-preview blockquote').waitFor();
      }
      await page.click('#lesson-save');
      // Saved: the list shows it (the editor closes) and the toast says so.
      await page.locator('.lesson-row', { hasText: i }).waitFor();
      await closeToast(page, '已保存');
    }
    assert.equal(await page.locator('.lesson-row').count(), 2);
    assert.deepEqual(
      await page.locator('.lesson-row .lesson-no').allInnerTexts(),
      ['1', '2'],
      'the lessons in order',
    );
    // A lesson opens in the editor with its text and closes without saving.
    await page.locator('.lesson-row').first().locator('[data-action="edit-lesson"]').click();
    assert.equal(await page.inputValue('#lesson-title'), '第一课：准则全文');
    await page.locator('#lesson-preview h2', { hasText: '四个必须' }).waitFor();
    await page.click('[data-action="close-lesson"]');
    await page.locator('#lesson-form').waitFor({ state: 'detached' });

    // Assigned to the member's branch, due in three days, required; nothing ticked is refused.
    await page.click('#assign-save');
    await page.locator('#assign-form .form-error', { hasText: '请选择至少一个' }).waitFor();
    await page.check(`#assign-form [data-unit="b:${member.branch_id}"]`);
    const due = new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);
    await page.fill('#assign-due', due);
    await page.check('#assign-required');
    await page.click('#assign-save');
    await closeToast(page, /已指派，通知了\d+人/);
    await page.locator('#current-assignment', { hasText: /截止/ }).waitFor();
    assert.match(await page.locator('#current-assignment').innerText(), /必学/);
    const saved = await api(page, `/api/v1/content/modules/${moduleId}`);
    assert.deepEqual(saved.json.module.branch_ids, [member.branch_id]);
    assert.equal(saved.json.module.required, true);
    assert.equal(saved.json.lessons.length, 2);
    assert.equal(saved.json.lessons[0].min_minutes, 3);
    await shoot(page, 'console-content-module', size);
    assert.deepEqual(errors, []);
    await context.close();

    // The member sees it on 今日任务.
    const m = await signedIn(member.username, viewport);
    const task = m.page.locator('.page.home .task', { hasText: title });
    await task.waitFor();
    assert.match(await task.innerText(), /\d+月\d+日前完成/);
    await screenshot(m.page, `member-home-authored-${size}`);
    assert.deepEqual(m.errors, []);
    await m.context.close();
  });

  test(`org1 forwards a report on an organization question; the admin resolves it (${size})`, { timeout: 180_000 }, async () => {
    // A member of org1's branch answers the daily quiz and reports its first question.
    const reporter = members[2 + k];
    const m = await signedIn(reporter.username, viewport);
    const quizzes = await api(m.page, '/api/v1/quizzes');
    const daily = quizzes.json.find((q) => q.kind === 'daily');
    const started = await api(m.page, `/api/v1/quizzes/${daily.id}/attempts`, 'POST');
    assert.ok(started.status < 300, JSON.stringify(started.json));
    const submitted = await api(m.page, `/api/v1/attempts/${started.json.id}/submit`, 'POST');
    const questionId = submitted.json.result.questions[0].question_id;
    const comment = `选项表述与原文不一致（${size}）`;
    const reported = await api(m.page, `/api/v1/questions/${questionId}/reports`, 'POST', { comment });
    assert.equal(reported.status, 201, JSON.stringify(reported.json));
    const reportId = reported.json.id;

    // org1 sees it with the member's note, may only forward; an empty note is refused beside
    // the button.
    const org = await signedIn('org1', viewport);
    await org.page.goto(server.base + '/admin/question-reports');
    const card = org.page.locator(`.report-item[data-report="${reportId}"]`);
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(comment.replace(/[()（）]/g, '.')));
    assert.match(await card.innerText(), /机关党委题库/);
    assert.equal(await card.locator('[data-action="resolve"]').count(), 0, 'no resolve button for org1');
    await card.locator('[data-action="forward"]').click();
    const problem = card.locator('.form-error', { hasText: '请填写转交说明' });
    await problem.waitFor();
    const box = await problem.boundingBox();
    const button = await card.locator('[data-action="forward"]').boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= org.page.viewportSize().height, 'the error is on screen');
    assert.ok(Math.abs(box.y - button.y) < 120, 'the error is next to the button');
    if (size === 'desk') {
      assert.equal(await org.page.locator('.side-nav a[aria-current="page"]').getAttribute('href'), '/admin/question-reports');
    }
    await shoot(org.page, 'console-question-reports-organizer', size);
    await card.locator(`#forward-${reportId}`).fill('答案与《准则》原文不符，请管理员核实');
    await card.locator('[data-action="forward"]').click();
    // The list loads again: the card stays (still open), now waiting for the admins.
    await org.page.locator(`.report-item[data-report="${reportId}"] .forwarded-note`).waitFor();
    assert.equal(await org.page.locator(`.report-item[data-report="${reportId}"] [data-action="forward"]`).count(), 0);
    assert.deepEqual(org.errors, []);
    await org.context.close();

    // The admin's forwarded queue holds it with the note; resolving it empties the queue of it.
    const admin = await signedIn('admin', viewport);
    await admin.page.goto(server.base + '/admin/question-reports?queue=forwarded');
    const item = admin.page.locator(`.report-item[data-report="${reportId}"]`);
    await item.waitFor();
    assert.match(await item.locator('.forwarded-note').innerText(), /请管理员核实/);
    await item.locator(`#reply-${reportId}`).fill('已核实并修正选项表述，谢谢');
    await shoot(admin.page, 'console-question-reports-admin', size);
    await item.locator('[data-action="resolve"]').click();
    await admin.page.locator(`.report-item[data-report="${reportId}"]`).waitFor({ state: 'detached' });
    await admin.page.locator('.toast', { hasText: '已采纳并通知成员' }).waitFor();
    const queue = await api(admin.page, '/api/v1/question-reports?queue=forwarded');
    assert.ok(!queue.json.some((i) => i.report.id === reportId), 'resolved reports leave the queue');
    assert.deepEqual(admin.errors, []);
    await admin.context.close();

    // The member is told.
    const notes = await api(m.page, '/api/v1/notifications');
    assert.ok(JSON.stringify(notes.json).includes('已核实并修正选项表述'), JSON.stringify(notes.json).slice(0, 400));
    const mine = await api(m.page, '/api/v1/question-reports/mine');
    assert.equal(mine.json.find((r) => r.id === reportId).status, 'resolved');
    await m.context.close();
  });

  test(`org1 resets a member's password; the admin batch-resets two and downloads the sheet once (${size})`, { timeout: 180_000 }, async () => {
    // The organizer: one member in scope, confirmed, the new password shown once.
    const one = members[4 + k];
    const org = await signedIn('org1', viewport);
    await org.page.goto(`${server.base}/admin/members?q=${one.username}`);
    const reset = org.page.locator(`[data-action="reset"][data-id="${one.id}"]`);
    await reset.waitFor();
    await reset.click();
    const issued = org.page.locator('.issued');
    await issued.waitFor();
    const password = (await issued.locator('code.pw').innerText()).trim();
    assert.ok(password.length >= 8, password);
    assert.match(await issued.innerText(), new RegExp(one.username));
    await shoot(org.page, 'console-members-organizer-reset', size);
    assert.deepEqual(org.errors, []);
    await org.context.close();

    // The member signs in with it and must change it first.
    const m = await signedIn(one.username, viewport, password);
    await m.page.locator('.page.password').waitFor();
    assert.match(m.page.url(), /\/password$/);
    await m.context.close();

    // The admin: two ticked, reset at once, the sheet downloaded once.
    // Two of one branch, so one page of the list shows both (desk and phone take
    // different branches).
    const pool = members.slice(8);
    const branches = [...new Set(pool.map((x) => x.branch_id))];
    const branch = branches[k % branches.length];
    const [a, b] = pool.filter((x) => x.branch_id === branch).slice(0, 2);
    assert.ok(a && b, 'two members of one branch');
    const admin = await signedIn('admin', viewport);
    const { page } = admin;
    await page.goto(`${server.base}/admin/members?branch_id=${branch}`);
    await page.locator('.members-table').waitFor();
    for (const x of [a, b]) {
      const tick = page.locator(`[data-select="${x.id}"]`);
      await tick.waitFor();
      await tick.check();
    }
    await page.locator('.batch-count', { hasText: '已选2人' }).waitFor();
    await shoot(page, 'console-members-batch', size);
    await page.click('[data-action="batch-reset"]');
    const sheet = page.locator('#password-sheet');
    await sheet.waitFor();
    assert.match(await sheet.innerText(), /已为2人重置密码/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      sheet.locator('[data-action="download-sheet"]').click(),
    ]);
    const file = await download.path();
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX (zip) file');
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    await sheet.locator('.ok', { hasText: '密码表已下载' }).waitFor();
    // A second download is refused and says why, beside the button.
    await sheet.locator('[data-action="download-sheet"]').click();
    await sheet.locator('.form-error', { hasText: '已下载过' }).waitFor();
    await shoot(page, 'console-members-sheet', size);
    const listed = await api(page, `/api/v1/members?q=${a.username}`);
    assert.equal(listed.json.items[0].must_change_password, true);
    assert.deepEqual(admin.errors, []);
    await admin.context.close();
  });
}
