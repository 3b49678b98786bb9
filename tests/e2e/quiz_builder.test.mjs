// Issue 17's quiz builder, at a desk (1280x800) and on a phone (390x844): org1 searches the
// question picker with Enter (results right under the box, the text kept, nothing
// submitted), builds a mixed quiz (2 fixed questions + a draw rule of 3 single-choice
// questions, the counts shown as fixed + drawn = total and what the rule can draw),
// previews one paper (with keys), publishes it and reads 已发布 with whom it reaches; writes
// a module (the 已创建 toast survives opening its page), attaches the quiz there, and a
// member of the branch sees the quiz on the module's page. An organization question opens
// as text naming its bank. Every changed page is photographed at both sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SCREENSHOTS, api, startServer, launchBrowser, phonePage, screenshot, signIn } from './support.mjs';

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

const DESK = { width: 1280, height: 800 };
const SIZES = [['desk', DESK, 0], ['phone', undefined, 1]];

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the screen`);
}

async function shoot(page, name, size) {
  await noOverflow(page, name);
  await screenshot(page, `${name}-${size}`);
  if (size === 'phone') {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone-top.png`) });
  }
}

async function signedIn(who, viewport) {
  const p = await phonePage(browser, viewport);
  p.page.on('dialog', (d) => d.accept());
  await signIn(p.page, server.base, who);
  await p.page.locator('.page.home, .page.password').first().waitFor();
  return p;
}

async function closeToast(page, text) {
  const toast = page.locator('.toast', { hasText: text });
  await toast.waitFor();
  await toast.locator('button').click();
  await toast.waitFor({ state: 'detached' });
}

for (const [size, viewport, k] of SIZES) {
  test(`org1 builds a mixed quiz, previews, publishes and attaches it to their module; a member sees it (${size})`, { timeout: 240_000 }, async () => {
    const { page, errors, context } = await signedIn('org1', viewport);
    const title = `支部混合测验（${size}）`;

    // The picker: Enter searches, results right under the box, the text stays.
    await page.goto(server.base + '/admin/quizzes/new');
    await page.waitForSelector('#quiz-form');
    await page.fill('input[name="title"]', title);
    await page.selectOption('select[name="kind"]', 'exam');
    await page.fill('#pick-q', '党');
    await page.press('#pick-q', 'Enter');
    await page.locator('.picks li').first().waitFor();
    assert.match(page.url(), /\/admin\/quizzes\/new$/, 'Enter did not save the quiz');
    assert.equal(await page.locator('#quiz-form .form-error').count(), 0, 'nor tried to (no 422)');
    assert.equal(await page.inputValue('#pick-q'), '党', 'the search text is kept');
    const box = await page.locator('#pick-q').boundingBox();
    const results = await page.locator('.picks').boundingBox();
    assert.ok(results.y > box.y && results.y - box.y < 120, 'results right under the box');
    const save = await page.locator('#quiz-save').boundingBox();
    assert.ok(results.y < save.y, 'results above 保存');
    for (let n = 0; n < 2; n++) {
      await page.locator('.picks [data-action="add-q"]').first().click();
      await page.waitForFunction((c) => document.querySelectorAll('.picked li').length === c, n + 1);
    }
    const owner = await page.locator('select[name="owner"]').inputValue();
    await page.check(`input[name="aud"][value="${owner}"]`);

    // A draw rule of 3 single-choice questions from a category with enough of them.
    const bank = await api(page, '/api/v1/questions?per_page=100&kind=single');
    const perCat = new Map();
    for (const q of bank.json.items) {
      if (q.kind === 'single') perCat.set(q.category_id, (perCat.get(q.category_id) || 0) + 1);
    }
    const [cat] = [...perCat.entries()].sort((a, b) => b[1] - a[1])[0];
    await page.click('[data-action="add-r"]');
    const rule = page.locator('.rule').first();
    await rule.locator('select[name="rc"]').selectOption(String(cat));
    await rule.locator('select[name="rk"]').selectOption('single');
    await rule.locator('input[name="rn"]').fill('3');
    await page.locator('#quiz-totals', { hasText: '固定 2 道 + 抽取 3 道 = 共 5 道' }).waitFor();
    await rule.locator('[data-rule-available]', { hasText: /可抽\d+道/ }).waitFor();
    // Every rule field has its label.
    for (const label of ['抽题分类', '题型', '难度', '抽题数']) {
      assert.equal(await rule.locator('.label', { hasText: label }).count(), 1, label);
    }
    await shoot(page, 'quiz-builder-mixed', size);

    await page.click('#quiz-save');
    await page.waitForFunction(() => /\/admin\/quizzes\/\d+$/.test(location.pathname), null, { timeout: 15_000 })
      .catch(async (e) => {
        await screenshot(page, `quiz-mixed-save-failed-${size}`);
        throw new Error(`${e.message}: ${await page.locator('.page').innerText()}`);
      });
    const quizId = Number(page.url().split('/').pop());
    await page.locator('.badge.status-draft').waitFor();
    assert.match(await page.locator('#quiz-reach').innerText(), /发布后将覆盖 .+，共 \d+ 名成员/);

    // The preview: one paper of 5, the two fixed first, with answers.
    await page.click('[data-action="preview"]');
    const preview = page.locator('#quiz-preview');
    await preview.waitFor();
    assert.equal(await preview.locator('.preview-q').count(), 5);
    assert.match(await preview.locator('.preview-summary').innerText(), /共 5 道（固定 2 \+ 抽取 3），满分 100 分/);
    assert.equal(await preview.locator('.preview-q .badge', { hasText: '固定' }).count(), 2);
    assert.equal(await preview.locator('.preview-key').count(), 5);
    await shoot(page, 'quiz-preview', size);

    // Published: 已发布 and whom it reaches.
    await page.click('[data-action="publish"]');
    await page.locator('.badge.status-published').waitFor();
    const reach = await page.locator('#quiz-reach').innerText();
    assert.match(reach, /^已发布，覆盖 .+，共 (\d+) 名成员$/);
    const detail = await api(page, `/api/v1/manage/quizzes/${quizId}`);
    assert.equal(detail.json.questions.length, 2);
    assert.equal(detail.json.draw_rules[0].kind, 'single');
    assert.ok(reach.includes(`共 ${detail.json.reach.members} 名成员`) && detail.json.reach.members > 0);
    await shoot(page, 'quiz-published-reach', size);

    // A module of org1's branch: 已创建 is said on its own page.
    await page.goto(server.base + '/admin/content/new');
    await page.locator('#module-form').waitFor();
    await page.fill('#module-title', `支部专题（${size}）`);
    await page.selectOption('#module-owner', owner);
    await page.click('#module-form button[type=submit]');
    await page.waitForURL(/\/admin\/content\/\d+$/);
    const moduleId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.locator('.toast', { hasText: '已创建专题' }).waitFor();
    await closeToast(page, '已创建专题');
    const unit = Number(owner.slice(2));
    const assigned = await api(page, `/api/v1/content/modules/${moduleId}/assignment`, 'PUT', {
      all: false, branch_ids: [unit], youth_group_ids: [], due_at: null, required: false,
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.json));
    await page.reload();
    const card = page.locator('#module-quizzes');
    await card.waitFor();
    assert.match(await card.innerText(), /还没有挂接测验/);
    // Nobody has started it: 删除专题 is offered.
    assert.equal(await page.locator('[data-action="delete-module"]').count(), 1);
    await card.locator('#module-quiz-pick').selectOption(String(quizId));
    await card.locator('#module-quiz-add').click();
    await card.locator(`.module-quizzes li[data-quiz="${quizId}"]`, { hasText: title }).waitFor();
    await closeToast(page, '已挂接测验');
    await shoot(page, 'content-module-quizzes', size);
    const back = await api(page, `/api/v1/manage/quizzes/${quizId}`);
    assert.equal(back.json.module.id, moduleId);

    // An organization question is text, naming its bank.
    const orgQ = bank.json.items.find((q) => !q.editable);
    assert.ok(orgQ, 'an organization question');
    await page.goto(`${server.base}/admin/questions/${orgQ.id}`);
    await page.locator('#q-read-only').waitFor();
    assert.equal(await page.locator('#q-form').count(), 0, 'no form to type into');
    assert.match(await page.locator('#q-read-only').innerText(), /组织题库（全组织）/);
    await shoot(page, 'question-read-only', size);
    assert.deepEqual(errors, []);

    // A member of the branch sees the quiz on the module's page.
    const members = await api(page, '/api/v1/members?per_page=100');
    const member = members.json.items.filter((m) => m.role === 'member' && m.active && m.branch_id === unit)[k];
    assert.ok(member, 'a member of the branch');
    await context.close();
    const m = await signedIn(member.username, viewport);
    await m.page.goto(`${server.base}/modules/${moduleId}`);
    await m.page.locator('.quiz-card', { hasText: title }).waitFor();
    await shoot(m.page, 'member-module-quiz', size);
    assert.deepEqual(m.errors, []);
    await m.context.close();
  });
}
