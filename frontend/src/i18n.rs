//! The string catalogue: every user-visible text of the app, by key, in zh-CN (the default)
//! and English. A plain table, no i18n crate: `t(K::LoginTitle)` in the current language,
//! `K::LoginTitle.text(Locale::En)` in a given one; `{name}` placeholders are filled by [`tf`].
//!
//! Messages that come from the server (`ErrorBody.message`) and from `shared::validation`
//! are zh-CN only; they are shown as they are.

/// The languages the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

impl Locale {
    /// The value stored in localStorage and put in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Reads a stored tag; anything unknown is the default, zh-CN.
    pub fn from_tag(tag: Option<&str>) -> Locale {
        match tag {
            Some("en") => Locale::En,
            _ => Locale::Zh,
        }
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }
}

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A catalogue key: its (zh-CN, English) texts.
        ///
        /// Keys are constants rather than enum variants so that each build keeps only the
        /// texts it uses: the member app carries none of the console's strings and the
        /// console none of the member app's (a `match` over an enum would keep every arm).
        /// A key defined twice does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct K(&'static str, &'static str);

        // Each build uses its own part of the catalogue; the rest is never linked.
        #[allow(non_upper_case_globals, dead_code)]
        impl K {
            $(pub const $key: K = K($zh, $en);)*

            /// Every key, in catalogue order (for the completeness tests).
            #[cfg(test)]
            pub const ALL: &'static [K] = &[$(K::$key,)*];
        }
    };
}

impl K {
    pub fn text(self, locale: Locale) -> &'static str {
        match locale {
            Locale::Zh => self.0,
            Locale::En => self.1,
        }
    }
}

/// The label of a points source (the points card, the points rules).
pub fn source_key(s: shared::api::points::PointsSource) -> K {
    use shared::api::points::PointsSource;
    match s {
        PointsSource::SignIn => K::SrcSignIn,
        PointsSource::Lesson => K::SrcLesson,
        PointsSource::StudyTime => K::SrcStudyTime,
        PointsSource::DailyQuiz => K::SrcDailyQuiz,
        PointsSource::WeeklyQuiz => K::SrcWeeklyQuiz,
        PointsSource::SpecialQuiz => K::SrcSpecialQuiz,
        PointsSource::Challenge => K::SrcChallenge,
        PointsSource::Module => K::SrcModule,
    }
}

/// The label of a role.
pub fn role_key(role: shared::api::auth::Role) -> K {
    use shared::api::auth::Role;
    match role {
        Role::Member => K::RoleMember,
        Role::Organizer => K::RoleOrganizer,
        Role::Admin => K::RoleAdmin,
    }
}

catalogue! {
    // The app
    AppName => "灯塔", "Beacon";
    AppTagline => "党建学习答题平台", "Party-building study & quiz";
    Loading => "正在加载…", "Loading…";
    PageUnavailable => "页面未能打开", "Page unavailable";
    Retry => "重试", "Retry";
    Back => "返回", "Back";
    Logout => "退出", "Sign out";
    LanguageToggle => "EN", "中文";
    LanguageToggleLabel => "切换为英文", "Switch to Chinese";
    Cancel => "取消", "Cancel";
    AccountMenu => "我的账号", "My account";
    LogoutConfirm => "确定退出登录吗？", "Sign out of Beacon?";
    TextSize => "文字大小", "Text size";
    TextSizeStandard => "标准", "Standard";
    TextSizeLarge => "大", "Large";
    TextSizeXLarge => "特大", "Extra large";
    MyReportsTitle => "我的纠错", "My error reports";
    GuideSignIn => "每天首次登录得{p}分", "{p} for the first sign-in of the day";
    GuideLesson => "每学完一篇课程得{p}分", "{p} for each lesson finished";
    GuideStudyTime => "阅读课程每满{m}分钟得{p}分", "{p} for every {m} minutes of reading";
    GuidePerCorrect => "每答对一题得{p}分", "{p} for each correct answer";
    GuideChallenge => "按一局连续答对的题数计分：连对{steps}，每局最多{p}分", "By the run of correct answers in one game: {steps}; at most {p} a game";
    GuideChallengeStep => "{n}题得{p}分", "{n} right: {p}";
    GuideModule => "每完成一个学习专题得{p}分", "{p} for each module completed";
    GuideCap => "每日上限{c}分", "up to {c} a day";
    GuidePaused => "暂停计分", "paused";
    GuideFootnote => "每日上限按北京时间计算，零点重新开始；规则由管理员设置。", "Daily caps follow Beijing time and start again at midnight; admins set the rules.";
    GuideHistory => "积分明细", "Points history";
    GuideHistoryEmpty => "还没有积分记录。学习课程、参加答题即可获得积分。", "No points yet. Study lessons and take quizzes to earn them.";
    GuideMore => "加载更多", "Load more";
    ListSeparator => "、", "; ";
    MyReportsHint => "您提交的题目纠错及组织者的答复。", "The errors you reported and the organizers' replies.";
    MyReportsEmpty => "您还没有提交过纠错。答题结果页每道题下都可以纠错。", "You have not reported any errors. Each question on a result page has a report button.";
    MyReportSent => "{date}提交", "Sent {date}";
    MyReportAnswered => "{date}答复", "answered {date}";
    MyReportMine => "我的说明：", "You wrote:";
    MyReportWaiting => "组织者核实后会在这里答复，并发送通知。", "An organizer will check it and reply here, with a notification.";
    BellUnread => "消息通知（{n}条未读）", "Notifications ({n} unread)";
    Save => "保存", "Save";
    Saving => "正在保存…", "Saving…";
    AnswerSaveRetrying => "未保存，将自动重试", "Not saved yet, retrying";
    Close => "关闭", "Close";
    Rename => "重命名", "Rename";
    Delete => "删除", "Delete";
    Edit => "编辑", "Edit";
    PersonCount => "{n}人", "{n} members";
    // Errors the app produces itself
    NetworkError => "网络连接失败，请检查网络后重试", "Network error. Check your connection and try again.";
    ServerError => "服务器暂时无法响应，请稍后再试", "The server is not responding. Please try again later.";
    // Navigation
    NavHome => "首页", "Home";
    NavStudy => "学习", "Study";
    NavQuiz => "答题", "Quizzes";
    NavMistakes => "错题本", "Mistakes";
    NavRanking => "排行", "Rankings";
    NavManage => "管理", "Manage";
    // Sign-in
    LoginTitle => "登录", "Sign in";
    LoginUsername => "账号", "Username";
    LoginUsernameHint => "工号或手机号", "Staff number or phone number";
    LoginPassword => "密码", "Password";
    LoginSubmit => "登录", "Sign in";
    LoginPending => "正在登录…", "Signing in…";
    LoginNeedUsername => "请输入账号（工号或手机号）", "Enter your username (staff or phone number)";
    LoginNeedPassword => "请输入密码", "Enter your password";
    LoginFooter => "如忘记密码，请联系本支部组织员或机关党委管理员重置。", "Forgot your password? Ask your branch organizer or an administrator to reset it.";
    // Password change
    PasswordTitle => "修改密码", "Change password";
    PasswordMandatory => "首次登录或密码被重置后，请先设置新密码。", "Please set a new password before you continue (first sign-in or reset).";
    PasswordRules => "新密码至少8个字符，需同时包含字母和数字，且不能与账号相同。", "At least 8 characters with letters and digits, not the same as your username.";
    PasswordCurrent => "当前密码", "Current password";
    PasswordCurrentHint => "首次登录请填写初始密码", "On first sign-in: the initial password";
    PasswordNew => "新密码", "New password";
    PasswordConfirm => "确认新密码", "Confirm new password";
    PasswordSubmit => "确认修改", "Change password";
    PasswordNeedCurrent => "请输入当前密码", "Enter your current password";
    PasswordMismatch => "两次输入的新密码不一致", "The two new passwords do not match";
    PasswordSameAsOld => "新密码不能与当前密码相同", "The new password must differ from the current one";
    // Home
    HomeGreeting => "您好，{name}", "Hello, {name}";
    HomeBranch => "党支部", "Party branch";
    HomeYouthGroup => "青年理论学习小组", "Youth theory study group";
    HomeNoBranch => "未分配党支部", "No branch assigned";
    HomeNoYouthGroup => "未加入", "Not a member";
    HomeTodayTasks => "今日任务", "Today's tasks";
    HomeAllDone => "今日任务已全部完成，明天继续加油！", "All done for today. See you tomorrow!";
    HomeTaskDone => "已完成", "Done";
    HomeTaskGo => "去完成", "Start";
    HomeTaskContinue => "继续", "Continue";
    HomeContinueStudy => "继续学习", "Continue studying";
    HomeStartStudy => "开始学习", "Start studying";
    HomeRequired => "必修", "Required";
    HomeMoreTasks => "还有{n}项学习任务", "{n} more tasks";
    HomeSeeAll => "查看全部", "See all";
    HomeOverdue => "已逾期（{date}截止）", "Overdue (was due {date})";
    HomeMistakes => "错题本中有{n}道题待巩固", "{n} questions to review in your mistake book";
    HomeManage => "管理", "Administration";
    HomeConsole => "管理后台", "Console";
    HomeConsoleOrganizer => "题库、组卷与发布、完成情况、提醒", "Question bank, quizzes, completion, reminders";
    HomeConsoleAdmin => "组织架构、成员、题库、测验、完成情况、积分规则、审计日志", "Organization, members, bank, quizzes, completion, points, audit";
    HomeManageOrg => "组织架构", "Organization";
    HomeManageOrgDesc => "党支部、党小组、青年理论学习小组", "Branches, cells and youth groups";
    HomeManageMembers => "成员管理", "Members";
    HomeManageMembersDesc => "成员账号、批量导入、重置密码", "Accounts, bulk import, password resets";
    HomeAccount => "账号安全", "Account security";
    // Glossary tiles
    MistakeBook => "错题本", "Mistake book";
    // Roles
    RoleMember => "成员", "Member";
    RoleOrganizer => "组织员", "Organizer";
    RoleAdmin => "管理员", "Administrator";
    // Organization
    OrgTitle => "组织架构", "Organization";
    OrgSummary => "{b}个党支部 · {g}个青年理论学习小组 · {n}名成员", "{b} branches · {g} youth groups · {n} members";
    OrgBranches => "党支部", "Party branches";
    OrgCells => "党小组", "Party cells";
    OrgYouthGroups => "青年理论学习小组", "Youth theory study groups";
    OrgNoBranches => "还没有党支部", "No branches yet";
    OrgNoCells => "未设党小组", "No cells";
    OrgNoYouthGroups => "还没有青年理论学习小组", "No youth groups yet";
    OrgAddBranch => "新增党支部", "Add branch";
    OrgAddCell => "新增党小组", "Add cell";
    OrgAddYouthGroup => "新增青年理论学习小组", "Add youth group";
    OrgNamePlaceholder => "名称", "Name";
    OrgConfirmDelete => "确定删除“{name}”吗？此操作不可撤销。", "Delete “{name}”? This cannot be undone.";
    OrgReadOnly => "仅管理员可修改组织架构。", "Only administrators can change the organization.";
    // Members
    MembersTitle => "成员管理", "Members";
    MembersSearch => "搜索姓名、账号或手机号", "Search name, username or phone";
    MembersSearchButton => "搜索", "Search";
    MembersAllBranches => "全部党支部", "All branches";
    MembersAllYouthGroups => "全部青年理论学习小组", "All youth groups";
    MembersIncludeInactive => "含已停用", "Include deactivated";
    MembersTotal => "共{n}人", "{n} in total";
    MembersEmpty => "没有符合条件的成员", "No members match";
    MembersAdd => "添加成员", "Add member";
    MembersEditTitle => "编辑成员", "Edit member";
    MembersAddTitle => "添加成员", "Add member";
    MembersName => "姓名", "Name";
    MembersUsername => "账号", "Username";
    MembersUsernameHint => "工号或手机号", "Staff or phone number";
    MembersRole => "角色", "Role";
    MembersBranch => "党支部", "Branch";
    MembersCell => "党小组", "Cell";
    MembersYouthGroup => "青年理论学习小组", "Youth group";
    MembersPhone => "手机号", "Phone";
    MembersStatus => "状态", "Status";
    MembersActions => "操作", "Actions";
    MembersActive => "正常", "Active";
    MembersInactive => "已停用", "Deactivated";
    MembersMustChange => "待改密", "Password pending";
    MembersChooseBranch => "请选择党支部", "Choose a branch";
    MembersNoCell => "不分党小组", "No cell";
    MembersNoYouthGroup => "未加入青年理论学习小组", "No youth group";
    MembersScope => "负责范围", "Responsible for";
    MembersScopeHint => "组织员负责的党支部和青年理论学习小组", "The branches and youth groups this organizer looks after";
    MembersResetPassword => "重置密码", "Reset password";
    MembersDeactivate => "停用", "Deactivate";
    MembersReactivate => "启用", "Reactivate";
    MembersConfirmReset => "确定为“{name}”重置密码吗？其当前登录将失效。", "Reset the password of “{name}”? They will be signed out.";
    MembersConfirmDeactivate => "确定停用“{name}”的账号吗？", "Deactivate the account of “{name}”?";
    MembersConfirmReactivate => "确定启用“{name}”的账号吗？", "Reactivate the account of “{name}”?";
    MembersIssuedCreated => "已创建账号 {username}（{name}）。初始密码：", "Account {username} ({name}) created. Initial password:";
    MembersIssuedReset => "已为 {username}（{name}）重置密码。新的初始密码：", "Password of {username} ({name}) reset. New initial password:";
    MembersIssuedNote => "初始密码仅显示这一次，请妥善转交本人；首次登录须修改密码。", "This initial password is shown only once. Hand it to the member; it must be changed at first sign-in.";
    MembersPrev => "上一页", "Previous";
    MembersNext => "下一页", "Next";
    MembersPageOf => "第{page}/{pages}页", "Page {page} of {pages}";
    MembersNeedScope => "组织员至少需要负责一个党支部或青年理论学习小组", "An organizer needs at least one branch or youth group";
    MembersNeedBranch => "请选择所在党支部", "Choose the member's branch";
    MembersReadOnly => "仅管理员可添加或修改成员账号。", "Only administrators can add or change accounts.";
    // Import
    ImportTitle => "批量导入成员", "Import members";
    ImportHelp => "按模板填写后上传 Excel（.xlsx）或 CSV 文件，列为：{columns}。账号已存在的行将更新该成员；任何一行有问题时不会导入任何数据。", "Fill in the template and upload it as Excel (.xlsx) or CSV. Columns: {columns}. Rows with an existing username update that member; if any row has a problem, nothing is imported.";
    ImportTemplateXlsx => "下载 Excel 模板", "Excel template";
    ImportTemplateCsv => "下载 CSV 模板", "CSV template";
    ImportChooseFile => "选择文件", "Choose file";
    ImportNoFile => "未选择文件", "No file chosen";
    ImportSubmit => "开始导入", "Import";
    ImportPending => "正在导入…", "Importing…";
    ImportNeedFile => "请先选择要导入的 .xlsx 或 .csv 文件", "Choose an .xlsx or .csv file first";
    ImportDone => "导入完成：新增{created}人，更新{updated}人。", "Import finished: {created} created, {updated} updated.";
    ImportIssued => "新账号的初始密码（仅显示这一次，请妥善转交）：", "Initial passwords of the new accounts (shown only once):";
    ImportRowN => "第{n}行", "Row {n}";
    ImportPassword => "初始密码", "Initial password";
    // Study
    StudyTitle => "学习", "Study";
    StudyEmpty => "暂无学习专题", "No study modules for you yet";
    TrackTheory => "理论学习", "Theory";
    TrackDiscipline => "纪律教育", "Discipline";
    TrackOther => "其他", "Other";
    StudyLessonsDone => "已学{done}/{total}课", "{done} of {total} lessons";
    StudyDue => "{date}前完成", "Due {date}";
    StudyCompleted => "已完成", "Completed";
    ModuleTitle => "学习专题", "Module";
    ModuleLessons => "课程目录", "Lessons";
    ModuleQuizzes => "专题答题", "Quizzes of this module";
    ModuleNeedExam => "学完全部课程并通过考试，方可完成本专题。", "Finish every lesson and pass the exam to complete this module.";
    LessonN => "第{n}课", "Lesson {n}";
    LessonTitle => "学习", "Reading";
    LessonSource => "出处：{source}", "Source: {source}";
    LessonStudied => "已学习{time}", "Studied {time}";
    LessonNeed => "学满{time}并阅读至文末即完成本课", "To complete: study {time} and read to the end";
    LessonCompleted => "本课已学完", "Lesson completed";
    AnswersWaiting => "{n}个答案在本机等待发送，联网后自动发送", "{n} answers wait on this phone and are sent when the network returns";
    AnswersWaitingSubmit => "还有{n}个答案未发送，请联网后再交卷", "{n} answers are not sent yet: connect to the network, then submit";
    OfflineBanner => "当前离线：显示的是上次联网时的内容", "Offline: showing what was loaded last time";
    LessonClock => "已学{done}/{need} · 已读{read}%", "Studied {done} of {need} · read {read}%";
    LessonClockDone => "本课已学完 · 已读{read}%", "Lesson completed · read {read}%";
    StudyReview => "复习", "Review";
    LessonPaused => "离开本页面时暂停计时", "Timing pauses while you are away";
    LessonPrev => "上一课", "Previous";
    LessonNext => "下一课", "Next";
    LessonToc => "目录", "Contents";
    // Quizzes
    QuizzesTitle => "答题", "Quizzes";
    QuizzesEmpty => "暂无答题活动", "No quizzes for you yet";
    KindPractice => "专题练习", "Practice";
    KindDaily => "每日答题", "Daily quiz";
    KindWeekly => "每周答题", "Weekly quiz";
    KindSpecial => "专项答题", "Special quiz";
    KindChallenge => "挑战答题", "Challenge";
    KindExam => "专题考试", "Exam";
    QuizQuestions => "{n}题", "{n} questions";
    QuizChallengeRule => "答对继续，答错即止", "Keep going until a wrong answer";
    QuizTimeLimit => "限时{time}", "{time} limit";
    QuizPassMark => "{n}分及格", "Pass mark {n}";
    QuizAttempts => "已答{used}/{max}次", "{used} of {max} attempts used";
    QuizCloses => "{date}截止", "Closes {date}";
    QuizStart => "开始答题", "Start";
    QuizResume => "继续答题", "Resume";
    QuizDoneToday => "今日已完成", "Done today";
    QuizHistory => "答题记录", "History";
    StartQuestions => "题量", "Questions";
    StartTime => "答题时间", "Time";
    StartNoLimit => "不限时", "No time limit";
    StartAttemptsLeft => "剩余次数", "Attempts left";
    StartAttemptsOf => "{left}次（共{max}次）", "{left} of {max}";
    StartPassMark => "及格线", "Pass mark";
    StartPassMarkN => "{n}分", "{n}%";
    StartCloses => "截止时间", "Closes";
    StartReveal => "答案公布", "Answers shown";
    StartRevealSubmit => "交卷后立即公布", "Right after you submit";
    StartRevealClose => "测验结束后公布", "When the quiz closes";
    StartRevealNever => "不公布", "Never";
    StartClockHint => "点击“开始”后计时开始，中途离开计时不停止；时间到自动交卷。", "The clock starts when you tap Start and keeps running if you leave; at time-up your answers are submitted.";
    StartBegin => "开始", "Start";
    StartStarting => "正在开始…", "Starting…";
    // Answering
    AttemptProgress => "第{n}/{total}题", "Question {n} of {total}";
    QSingle => "单选题", "Single choice";
    QMultiple => "多选题", "Multiple choice";
    QTrueFalse => "判断题", "True or false";
    QFillIn => "填空题", "Fill in the blank";
    True => "正确", "True";
    False => "错误", "False";
    BlankN => "第{n}空", "Blank {n}";
    AnswerPrev => "上一题", "Previous";
    AnswerNext => "下一题", "Next";
    AnswerSubmit => "交卷", "Submit";
    AnswerConfirmUnanswered => "还有{n}题未作答，确定交卷吗？", "{n} questions are unanswered. Submit anyway?";
    AnswerConfirm => "交卷后不能修改答案，确定交卷吗？", "Answers cannot be changed after submitting. Submit?";
    AnswerTimeLeft => "剩余{time}", "{time} left";
    AnswerTimeUp => "作答时间已到，正在交卷…", "Time is up. Submitting…";
    AnswerRight => "回答正确，继续挑战！", "Correct! Keep going.";
    ChallengeRun => "已连续答对{n}题", "{n} in a row";
    ChallengeRunResult => "连对{n}题", "{n} in a row";
    ChallengeCommit => "提交", "Submit";
    ChallengeCheer => "太棒了！本局成绩", "Well done! This run";
    ChallengeTryAgain => "这一局没有答对，再接再厉", "No right answers this time; keep going";
    ResultPoints => "获得{n}积分", "{n} points earned";
    ResultAttemptsLeft => "还可作答{n}次", "{n} attempts left";
    ResultPlayAgain => "再来一局", "Play again";
    ResultRetakeExam => "再考一次", "Take it again";
    ResultRetake => "再练一次", "Practise again";
    // Results
    ResultScore => "{n}分", "{n}%";
    ResultCorrect => "答对{correct}/{total}题", "{correct} of {total} right";
    ResultPassed => "已通过", "Passed";
    HistoryPassed => "通过", "Passed";
    HistoryFailed => "未通过", "Not passed";
    ResultFailed => "未通过", "Not passed";
    ResultHidden => "答案与解析将在答题活动结束后公布。", "Answers and explanations are shown after the quiz closes.";
    ResultYourAnswer => "您的答案：{a}", "Your answer: {a}";
    ResultKey => "正确答案：{a}", "Answer: {a}";
    ResultNoAnswer => "未作答", "Not answered";
    ResultRight => "答对", "Right";
    ResultWrong => "答错", "Wrong";
    Explanation => "解析", "Explanation";
    Source => "出处", "Source";
    ResultToMistakes => "查看错题本", "Mistake book";
    ResultToQuizzes => "返回答题", "Back to quizzes";
    ReportAction => "纠错", "Report an error";
    ReportTitle => "答题纠错", "Report a question";
    ReportHint => "请说明题目哪里有误，组织者核实后会修正。", "Tell us what is wrong; an organizer will check and correct it.";
    ReportComment => "纠错说明", "What is wrong";
    ReportSend => "提交", "Send";
    ReportThanks => "已提交，感谢您的纠错。", "Sent. Thank you for the correction.";
    ReportEmpty => "请填写纠错说明", "Please say what is wrong";
    // History
    HistoryTitle => "答题记录", "Quiz history";
    HistoryEmpty => "还没有答题记录", "No attempts yet";
    HistoryOpen => "未交卷", "Not submitted";
    // Mistake book
    MistakesTitle => "错题本", "Mistake book";
    MistakesEmpty => "错题本里没有题目，继续保持！", "Your mistake book is empty. Keep it up!";
    MistakesCount => "共{n}道错题", "{n} questions";
    MistakesRule => "同一道题在不同的两天各答对一次，即移出错题本。", "A question leaves the book once you answer it right on two different days.";
    MistakesPractice => "错题练习", "Practise mistakes";
    MistakesWrong => "答错{n}次", "Wrong {n}×";
    MistakesProgress => "已答对{n}天", "Right on {n} day(s)";
    MistakesModule => "学习专题", "Module";
    MistakesCategory => "题目分类", "Category";
    MistakesAllModules => "全部专题", "All modules";
    MistakesAllCategories => "全部分类", "All categories";
    MistakesNoModule => "未归入专题", "Outside modules";
    MistakesShown => "筛选出{n}道", "{n} shown";
    MistakesClearFilter => "清除筛选", "Clear filter";
    MistakesNoneFiltered => "没有符合筛选条件的错题。", "No mistakes match this filter.";
    // Points
    PointsTitle => "我的积分", "My points";
    PointsToday => "今日", "Today";
    PointsWeek => "本周", "This week";
    PointsAll => "累计", "In total";
    PointsStreak => "已连续学习{n}天", "{n}-day study streak";
    PointsBestStreak => "最长{n}天", "best {n} days";
    PointsGoalPoints => "本周目标：{target}积分，已得{progress}积分", "Weekly goal: {target} points, {progress} so far";
    PointsGoalDays => "本周目标：学习{target}天，已学{progress}天", "Weekly goal: study on {target} days, {progress} so far";
    PointsGoalReached => "本周目标已达成", "Weekly goal reached";
    PointsEarned => "今日各项积分", "Today by task";
    PointsGuideLink => "积分规则与明细", "Points rules and history";
    SrcSignIn => "每日登录", "Daily sign-in";
    SrcLesson => "课程学习", "Lessons";
    SrcStudyTime => "学习时长", "Study time";
    SrcDailyQuiz => "每日答题", "Daily quiz";
    SrcWeeklyQuiz => "每周答题", "Weekly quiz";
    SrcSpecialQuiz => "专项答题", "Special quiz";
    SrcChallenge => "挑战答题", "Challenge";
    SrcModule => "完成专题", "Modules completed";
    PointsRulesTitle => "积分规则", "Points rules";
    PointsRulesHint => "每项学习任务的积分和每日上限；上限为0即停用该项。", "Points per task and the daily cap of each; a cap of 0 turns a task off.";
    PointsRuleSource => "任务", "Task";
    PointsRulePoints => "每次积分", "Points each";
    PointsRuleCap => "每日上限", "Daily cap";
    PointsSettingsTitle => "排行与目标", "Rankings and goals";
    PointsDefaultMeasure => "集体排行默认指标", "Default measure of group rankings";
    PointsInitialsOnly => "前10名以外只显示姓名首字母", "Show only initials outside the top 10";
    PointsGoalKind => "每周目标类型", "Weekly goal";
    PointsGoalKindPoints => "积分", "Points";
    PointsGoalKindDays => "学习天数", "Days with study";
    PointsGoalTarget => "每周目标值", "Weekly target";
    PointsSaved => "已保存", "Saved";
    HomeManagePoints => "积分规则", "Points rules";
    HomeManagePointsDesc => "积分、每日上限、排行指标与每周目标", "Points, daily caps, ranking measure and weekly goal";
    // Rankings
    RankingTitle => "排行榜", "Rankings";
    BoardOrg => "全机关", "Organization";
    BoardBranch => "本支部", "My branch";
    BoardGroup => "本学习小组", "My group";
    BoardBranches => "各党支部", "Branches";
    BoardGroups => "各青年理论学习小组", "Youth groups";
    PeriodDay => "今日", "Today";
    PeriodWeek => "本周", "Week";
    PeriodMonth => "本月", "Month";
    PeriodYear => "本年", "Year";
    PeriodAll => "累计", "All time";
    MeasureParticipation => "参与率", "Participation";
    MeasureAverage => "人均积分", "Points per member";
    MeasureCompletion => "完成率", "Completion";
    RankingMeasureShown => "按{measure}排名，不同规模的集体按比例公平比较", "Ranked by {measure} (fair across group sizes)";
    RankingParticipants => "{n}人参与", "{n} taking part";
    RankingMyRank => "我的排名：第{rank}名", "My rank: {rank}";
    RankingMyGroup => "本集体排名：第{rank}名", "Our rank: {rank}";
    RankingNear => "我的位置", "Around me";
    RankingEmpty => "本期暂无积分记录", "No points yet in this period";
    RankingPoints => "{n}分", "{n} pts";
    RankingGroupNote => "“参与8/10人”指本期获得积分的成员数/现有成员数；“合计”为本期全体成员积分之和。同值同名次，得分为0者不授奖牌。", "“8 of 10 took part”: members with points this period of the current members; “in all”: the group's points this period. Equal values share a rank; no medal for zero.";
    RankingGroupDetail => "参与{active}/{members}人 · 合计{points}分", "{active} of {members} took part · {points} pts in all";
    RankingTies => "积分相同者名次相同，先达到该积分者在前；0分者不授奖牌。", "Equal points share a rank; whoever reached the total first is listed first; no medal for zero.";
    // Not found and guards
    OtherAppTitle => "页面位置", "Where this page is";
    OtherAppConsole => "此页面属于管理后台（组织者和管理员使用）。", "This page belongs to the management console (for organizers and admins).";
    OtherAppOpenConsole => "打开管理后台", "Open the console";
    OtherAppMember => "此页面属于学习端。", "This page belongs to the study app.";
    OtherAppOpenMember => "打开学习端", "Open the study app";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundText => "您访问的页面不存在或已被移除。", "The page you asked for does not exist.";
    NotFoundHome => "返回首页", "Go to home";

    // Organizers: question bank, imports, quiz builder, item analysis
    Add => "添加", "Add";
    Remove => "移除", "Remove";
    Search => "搜索", "Search";
    Saved => "已保存", "Saved";
    Export => "导出：", "Export:";
    ExportSelected => "导出所选{n}道：", "Export {n} selected:";
    Select => "选择", "Select";
    CategoryNew => "新建分类", "New category";
    CategoryName => "分类名称", "Category name";
    ReadOnly => "只读", "Read-only";
    ReadOnlyHint => "这道题属于组织题库或其他单位，您只能查看。", "This question belongs to another bank; you can only read it.";
    AllCategories => "全部分类", "All categories";
    AllKinds => "全部题型", "All kinds";
    DifficultyAny => "任意难度", "Any difficulty";
    DifficultyEasy => "易", "Easy";
    DifficultyMedium => "中", "Medium";
    DifficultyHard => "难", "Hard";
    OwnerOrganization => "组织题库（全组织）", "Organization-wide";
    ManageQuestions => "题库管理", "Question bank";
    ManageQuestionsDesc => "编辑题目、导入导出、处理答题纠错", "Edit, import, export, error reports";
    ManageQuizzes => "组卷与发布", "Quizzes";
    ManageQuizzesDesc => "创建测验、发布、查看试题分析", "Build, publish and analyse quizzes";
    QuestionNew => "新建题目", "New question";
    QuestionEditor => "编辑题目", "Edit question";
    QuestionCategory => "分类", "Category";
    QuestionKind => "题型", "Kind";
    QuestionStem => "题干", "Stem";
    QuestionOption => "选项{letter}", "Option {letter}";
    QuestionKey => "答案", "Answer";
    QuestionKeyHint => "单选填 B，多选填 ABD，判断填 对 或 错；填空各空用 | 分隔，同一空的多个答案用 / 分隔。", "Single: B; multiple: ABD; true/false: T or F; blanks separated by |, alternatives by /.";
    QuestionExplanation => "解析", "Explanation";
    QuestionSource => "出处", "Source";
    QuestionDifficulty => "难度", "Difficulty";
    QuestionTags => "标签（逗号分隔）", "Tags (comma-separated)";
    QuestionOwner => "所属题库", "Owner";
    QuestionPreview => "预览", "Preview";
    QuestionPreviewTitle => "成员看到的样子", "As members see it";
    QuestionNewVersion => "已保存为第{n}版：已作答的记录仍显示原题", "Saved as version {n}; past attempts keep the old one";
    QuestionReportedOnly => "只看有待处理纠错的题目", "Only questions with open reports";
    QuestionTotal => "共{n}道题", "{n} questions";
    QuestionOpenReports => "{n}条纠错", "{n} reports";
    QuestionVersions => "历史版本（当前第{n}版）", "Earlier versions (now version {n})";
    QuestionVersionNo => "第{n}版", "Version {n}";
    QuestionReports => "答题纠错", "Error reports";
    ReportOpen => "待处理", "Open";
    ReportResolved => "已采纳", "Resolved";
    ReportRejected => "未采纳", "Rejected";
    ReportReply => "回复：{reply}", "Reply: {reply}";
    ReportReplyHint => "回复纠错的成员（选填）", "Reply to the member (optional)";
    ReportResolve => "采纳并关闭", "Resolve";
    ReportReject => "不予采纳", "Reject";
    QImportTitle => "导入题库", "Import questions";
    QImportHint => "支持 Excel（.xlsx）、CSV、灯塔题库（.toml/.zip）、Moodle GIFT 与 Moodle XML。先预览，确认后才会写入，有问题的文件不会导入任何题目。", "Excel, CSV, Beacon TOML/ZIP, Moodle GIFT and Moodle XML. Preview first; nothing is written until you confirm, and a file with problems imports nothing.";
    QImportFile => "题库文件", "File";
    QImportCategory => "分类（文件未写明分类时使用）", "Category (for questions whose file names none)";
    QImportCategoryFromFile => "按文件中的分类", "As the file says";
    QImportPreview => "上传并预览", "Upload and preview";
    QImportChooseFile => "请先选择要导入的题库文件", "Choose a file first";
    QImportPreviewOf => "预览：{file}", "Preview: {file}";
    QImportAdded => "新增", "New";
    QImportUpdated => "更新", "Updated";
    QImportUnchanged => "未变化：{n}道", "Unchanged: {n}";
    QImportNewCategories => "将新建分类：{names}", "New categories: {names}";
    QImportProblems => "问题（{n}处）", "Problems ({n})";
    QImportSkipped => "跳过的题目（{n}道）", "Skipped ({n})";
    QImportFixFirst => "请修改文件中的问题后重新上传。", "Fix the problems and upload again.";
    QImportConfirm => "确认导入", "Import";
    QImportAgain => "重新选择文件", "Choose another file";
    QImportRunning => "正在导入…", "Importing…";
    QImportDone => "导入完成：新增{added}道，更新{updated}道。", "Imported: {added} new, {updated} updated.";
    QImportExistingCategories => "导入到已有分类：{names}", "Into existing categories: {names}";
    QImportWithout => "缺少解析的题目{explanation}道，缺少出处的题目{source}道（导入后可在题库中补充）", "Without explanation: {explanation}; without source: {source} (add them in the editor)";
    QImportIgnoredColumns => "未导入的列：{names}", "Columns not imported: {names}";
    QImportSheets => "工作表", "Worksheets";
    QImportSheetRead => "已读取{n}行", "read, {n} rows";
    QImportSheetSkipped => "未读取", "not read";
    QImportWarnings => "提示（{n}条，不影响导入）", "Notes ({n}, not blocking)";
    QImportChanges => "将修改的已有题目（{n}道）", "Stored questions that change ({n})";
    QImportBefore => "原题", "Before";
    QImportAfter => "导入后", "After";
    QImportOptions => "选项", "Options";
    QImportTags => "标签", "Tags";
    QuizNew => "新建测验", "New quiz";
    QuizNone => "还没有测验。", "No quizzes yet.";
    QuizBuilder => "组卷", "Quiz builder";
    QuizTitle => "测验名称", "Title";
    QuizKindLabel => "测验类型", "Kind";
    QuizRequired => "必须完成", "Required";
    BQuizQuestions => "题目", "Questions";
    QuizLocked => "已有成员作答：题目、抽题规则、类型、计分方式和及格分不能再修改。", "Members have answered: questions, draw rules, kind, scoring and pass mark are locked.";
    QuizFixed => "固定题目", "Fixed questions";
    QuizSearchBank => "在题库中搜索题目", "Search the bank";
    QuizSearchResults => "搜索结果", "Search results";
    QuizDraw => "随机抽题（可与固定题目同时使用）", "Random draw (may be combined with fixed questions)";
    QuizAddRule => "添加抽题规则", "Add a draw rule";
    BQuizTimeLimit => "答题时限（分钟）", "Time limit (minutes)";
    QuizOpensAt => "开始时间", "Opens";
    QuizClosesAt => "结束时间", "Closes";
    BQuizAttempts => "作答次数", "Attempts";
    BQuizPassMark => "及格分（百分制）", "Pass mark (%)";
    QuizPoints => "每题积分（不超过管理员设定）", "Points per correct answer";
    QuizReveal => "公布答案", "Reveal answers";
    RevealAfterSubmit => "交卷后", "After submitting";
    RevealAfterClose => "测验结束后", "After the quiz closes";
    RevealNever => "不公布", "Never";
    QuizShuffle => "打乱选项顺序", "Shuffle options";
    QuizPartialCredit => "多选题部分得分", "Partial credit for multiple choice";
    QuizAudience => "参加范围", "Audience";
    QuizAudienceHint => "不选表示全组织（仅管理员）。", "None: the whole organization (admins only).";
    QuizPublish => "发布", "Publish";
    QuizClose => "结束测验", "Close";
    QuizReopen => "重新开放", "Reopen";
    QuizAnalysis => "试题分析", "Item analysis";
    QuizCounts => "{questions}题 · {attempts}人次作答", "{questions} questions · {attempts} attempts";
    StatusDraft => "草稿", "Draft";
    StatusPublished => "已发布", "Published";
    StatusClosed => "已结束", "Closed";
    AnalysisSummary => "已交卷{attempts}人次，平均得分{mean}", "{attempts} attempts, mean score {mean}";
    AnalysisHint => "通过率：答对的比例；区分度：该题与其余题目得分的相关系数，越高越能区分掌握好与差的成员。", "Facility: share right. Discrimination: correlation with the rest of the score.";
    AnalysisFigures => "通过率{facility} · 区分度{discrimination} · {n}人次", "Facility {facility} · discrimination {discrimination} · {n} responses";

    // Question bank, question editor, imports, quizzes, quiz builder, item analysis (issue 14)
    ColStatus => "状态", "Status";
    ColQuestions => "题数", "Questions";
    ColAttempts => "交卷人次", "Attempts";
    ColReports => "纠错", "Reports";
    SortedAsc => "升序", "ascending";
    SortedDesc => "降序", "descending";
    QuestionChecks => "内容检查", "Checks";
    QuestionNoExplanation => "缺少解析：成员交卷后只看到答案，看不到为什么。", "No explanation: members see the answer but not why.";
    QuestionNoSource => "缺少出处：成员查不到原文。", "No source: members cannot look it up.";
    QuestionComplete => "解析和出处都已填写。", "Explanation and source are filled in.";
    QuestionNeedStem => "请填写题干", "Enter the stem";
    QuestionNeedCategory => "请选择分类", "Choose a category";
    QuestionCategoryAdded => "已添加分类", "Category added";
    ReportConfirmReject => "确定不予采纳这条纠错吗？", "Reject this report?";
    QuizNeedTitle => "请填写测验名称", "Enter a title";
    QuizSearchNone => "没有找到题目。", "No questions found.";
    QuizConfirmClose => "确定结束测验吗？成员将不能再开始作答。", "Close the quiz? Members can no longer start it.";
    QuizPublished => "已发布", "Published";
    QuizClosed => "已结束测验", "Quiz closed";
    QImportSkippedNone => "没有跳过的题目。", "Nothing skipped.";
    QImportDiscard => "确定放弃这次预览吗？", "Discard this preview?";
    AnalysisOption => "选项", "Option";
    AnalysisChosen => "选择人次", "Chosen";

    // Completion dashboard, reports, notifications, audit log
    DashTitle => "完成率看板", "Completion dashboard";
    ExportTables => "导出本页表格：", "Export the tables: ";
    ExportMembers => "导出成员完成情况：", "Export members' progress: ";
    ExportReport => "导出报告：", "Export the report: ";
    ExportRunning => "正在导出", "Exporting";
    ExportProgress => "已导出{done}/{total}个单位，共{rows}行", "{done}/{total} units, {rows} rows written";
    ExportReady => "导出完成，共{rows}行。", "Export ready: {rows} rows.";
    DashDesc => "各支部、小组的学习与答题完成情况，提醒未完成成员", "Who has finished what; remind the rest";
    DashPeriod => "统计周期", "Period";
    PeriodQuarter => "本季度", "This quarter";
    PeriodHalf => "本半年", "This half year";
    DashTotal => "总完成率", "Overall completion";
    DashStats => "应完成{assigned} · 已开始{started} · 已完成{completed} · 完成率{rate}% · 平均分{avg}", "Assigned {assigned} · started {started} · done {completed} · {rate}% · average {avg}";
    DashBranches => "各党支部完成率", "Completion by branch";
    DashYouthGroups => "各青年理论学习小组完成率", "Completion by youth group";
    DashTimeline => "完成率趋势", "Completion over time";
    DashHeatmap => "各分类正确率（薄弱环节）", "Correctness by category";
    DashHeatmapHint => "行是题目分类，列是党支部；颜色越红正确率越低。", "Rows: categories; columns: branches; red is weak.";
    DashItems => "学习专题与答题活动", "Modules and quizzes";
    DashNoItems => "本周期没有布置的学习或答题。", "Nothing assigned in this period.";
    DashModule => "学习专题", "Module";
    DashQuiz => "答题", "Quiz";
    DashRemind => "提醒未完成成员", "Remind the unfinished";
    DashReminded => "已提醒{n}名未完成的成员", "Reminded {n} members";
    UnitTitle => "成员完成情况", "Members";
    UnitSummary => "{members}名成员 · {items}项学习和答题", "{members} members · {items} items";
    UnitMemberLine => "已完成{done}/{all} · 积分{points} · 最近活动{last}", "Done {done}/{all} · {points} points · last active {last}";
    UnitNever => "无", "never";
    UnitUnfinished => "未完成：{items}", "Unfinished: {items}";
    ReportQuarter => "季度督导报告", "Quarterly supervision";
    ReportHalf => "半年研究报告", "Half-year review";
    ReportYear => "全年考核报告", "Annual assessment";
    ReportUnit => "单位", "Unit";
    ReportRate => "完成率", "Completion";
    ReportTrend => "较上期", "vs previous";
    ReportAverage => "平均分", "Average";
    ReportDone => "已完成/应完成", "Done/assigned";
    ReportBehind => "未完成人次", "Open";
    ReportPrint => "打印", "Print";
    NoticeTitle => "消息通知", "Notifications";
    NoticeUnread => "{n}条未读", "{n} unread";
    NoticeDue => "待完成", "Due";
    NoticeNothingDue => "暂无待完成的学习和答题。", "Nothing due.";
    NoticeStarted => "已开始", "Started";
    NoticeNotStarted => "未开始", "Not started";
    NoticeNone => "暂无消息。", "No notifications.";
    NoticeReadAll => "全部标为已读", "Mark all read";
    AuditTitle => "操作日志", "Audit log";
    AuditDesc => "账号、组织、题库、测验与积分规则的每一次修改", "Every change, by whom and when";
    AuditAllEntities => "全部对象", "All records";
    AuditAllActions => "全部操作", "All actions";
    AuditTotal => "共{n}条", "{n} entries";
    AuditBefore => "修改前", "Before";
    AuditAfter => "修改后", "After";
    // Console shell and the people/organization pages (console helper 1)
    ConsoleName => "灯塔 · 管理后台", "Beacon console";
    ConsoleNav => "管理后台导航", "Console navigation";
    ConsoleReports => "督导与考核报告", "Reports";
    ConsoleBackToApp => "← 返回学习端", "← Back to the app";
    Paging => "翻页", "Pages";
    DashItemName => "项目", "Item";
    DashItemFigures => "完成情况", "Figures";
    DashItemRate => "完成率", "Rate";
    AuditWhen => "时间", "When";
    AuditWho => "操作人", "Who";
    AuditWhat => "操作", "What";
    AuditChange => "变更内容", "Change";
    AuditEntity => "对象类型", "Record";
    AuditEmpty => "没有符合条件的记录", "No entries match";
    OrgSaved => "已保存“{name}”", "Saved “{name}”";
    OrgDeleted => "已删除“{name}”", "Deleted “{name}”";
    AuditAction => "操作类型", "Action";
    // issue 17 console pages
    MembersOrganizerNote => "仅管理员可添加或修改成员账号；您可以为负责范围内的成员重置密码。", "Only administrators can add or change accounts; you can reset the passwords of the members you look after.";
    MembersSelect => "选择“{name}”", "Select “{name}”";
    MembersSelected => "已选{n}人", "{n} selected";
    MembersBatchReset => "批量重置密码", "Reset passwords";
    MembersBatchConfirm => "确定为选中的{n}人重置密码吗？其当前登录将失效。", "Reset the passwords of the {n} selected accounts? They will be signed out.";
    MembersBatchTooMany => "一次最多重置{n}人", "At most {n} accounts at once";
    MembersClearSelection => "取消选择", "Clear selection";
    MembersSheetReady => "已为{n}人重置密码，新的初始密码在密码表中。", "{n} passwords reset; the new initial passwords are in the sheet.";
    MembersSheetOnce => "密码表只能下载一次，请妥善保存并分别转交本人；首次登录须修改密码。", "The sheet downloads only once: keep it safe and hand each password to its owner; it must be changed at first sign-in.";
    MembersSheetDownload => "下载密码表（Excel）", "Download the sheet (Excel)";
    MembersSheetDownloaded => "密码表已下载。它不能再次下载。", "Sheet downloaded. It cannot be downloaded again.";
    ReportsTitle => "纠错处理", "Error reports";
    ReportsTabOpen => "待处理", "Open";
    ReportsTabForwarded => "组织员转交", "Forwarded";
    ReportsEmpty => "没有待处理的纠错", "No open reports";
    ReportsForwardedEmpty => "没有组织员转交的纠错", "No forwarded reports";
    ReportsOrgBank => "机关党委题库", "Organization bank";
    ReportsQuestion => "题目", "Question";
    ReportsComment => "成员说明", "Member's note";
    ReportsReporter => "{name} · 提交于{time}", "{name} · reported {time}";
    ReportsForwardedNote => "{name}于{time}转交：{note}", "Forwarded by {name} on {time}: {note}";
    ReportsForwardHint => "转交说明（必填），如：答案与原文不符", "Why (required), e.g. the answer contradicts the text";
    ReportsForward => "转交管理员", "Forward to admins";
    ReportsNeedNote => "请填写转交说明", "Say why you forward it";
    ReportsWaiting => "已转交管理员，等待处理。", "Forwarded to the admins, waiting.";
    ReportsDoneResolved => "已采纳并通知成员", "Resolved; the member is told";
    ReportsDoneRejected => "已处理并通知成员", "Answered; the member is told";
    ReportsDoneForwarded => "已转交管理员", "Forwarded to the admins";
    ReportsEdit => "修改题目", "Edit the question";
    ContentTitle => "学习内容", "Study content";
    ContentNew => "新建学习专题", "New module";
    ContentEmpty => "还没有学习专题", "No modules yet";
    ContentShipped => "只读", "Read-only";
    ContentShippedNote => "随系统发布的专题（seeds/ 目录）只读：修改请编辑其文件后重新发布。", "Modules shipped with Beacon (seeds/) are read-only here: edit their files instead.";
    ContentNotEditable => "该专题由其他单位维护，仅可查看。", "Another unit maintains this module: view only.";
    ContentLessons => "{n}课", "{n} lessons";
    ContentOwner => "所属单位", "Owner";
    ContentOwnerOrg => "机关党委", "Organization";
    ContentTrack => "类别", "Track";
    ContentModuleTitle => "专题名称", "Title";
    ContentDescription => "简介", "Description";
    ContentPosition => "排序", "Order";
    ContentPositionHint => "数字小的排在前面", "Smaller comes first";
    ContentSaveModule => "保存专题", "Save module";
    ContentCreateModule => "创建专题", "Create module";
    ContentDeleteModule => "删除专题", "Delete module";
    ContentConfirmDelete => "确定删除专题“{title}”吗？", "Delete the module “{title}”?";
    ContentEditor => "编辑学习专题", "Edit module";
    ContentLessonList => "课程", "Lessons";
    ContentNoLessons => "还没有课程", "No lessons yet";
    ContentAddLesson => "添加课程", "Add lesson";
    ContentLessonTitle => "课程标题", "Lesson title";
    ContentLessonBody => "正文（Markdown）", "Text (Markdown)";
    ContentLessonSource => "出处", "Source";
    ContentLessonSourceHint => "如：2023年党建工作要点第3条", "e.g. item 3 of the 2023 work plan";
    ContentLessonOrder => "顺序", "Position";
    ContentLessonMinutes => "最少学习时长（分钟）", "Minimum study time (minutes)";
    ContentLessonMinutesHint => "不填则按篇幅估算", "Empty: estimated from the length";
    ContentSaveLesson => "保存课程", "Save lesson";
    ContentDeleteLesson => "删除课程", "Delete lesson";
    ContentConfirmDeleteLesson => "确定删除课程“{title}”吗？", "Delete the lesson “{title}”?";
    ContentEditLesson => "编辑", "Edit";
    ContentEditLessonTitle => "编辑课程", "Edit lesson";
    ContentPreview => "预览（成员看到的样子）", "Preview (as members see it)";
    ContentPreviewEmpty => "输入正文后在此预览", "The preview appears as you type";
    ContentVersion => "第{n}版", "Version {n}";
    ContentNewVersion => "已保存为第{n}版（已有成员学习，旧版本保留）", "Saved as version {n} (members had started it; the old text is kept)";
    ContentMinutes => "至少{n}分钟", "At least {n} min";
    ContentAssign => "指派学习", "Assign";
    ContentAssignAll => "全体成员", "Everyone";
    ContentAssignBranches => "党支部", "Branches";
    ContentAssignGroups => "青年理论学习小组", "Youth groups";
    ContentAssignDue => "截止日期", "Due date";
    ContentAssignRequired => "必学", "Required";
    ContentAssignSave => "保存指派", "Save assignment";
    ContentAssigned => "已指派，通知了{n}人", "Assigned; {n} members told";
    ContentAssignedTo => "当前指派：{units}", "Assigned to: {units}";
    ContentNotAssigned => "尚未指派", "Not assigned";
    ContentDueOn => "{date}截止", "due {date}";
    ContentNeedUnit => "请选择至少一个党支部或小组", "Choose at least one branch or group";
    ContentNeedTitle => "请填写标题", "Enter a title";
    ContentNeedOwner => "请选择所属单位", "Choose the owner";
    ContentCreated => "已创建专题，现在可以添加课程", "Module created; add its lessons now";
    // issue 17 quiz builder
    QuizRuleCategory => "抽题分类", "Category";
    ContentQuizQuestions => "{n}道题", "{n} questions";
    QuizRuleKind => "题型", "Kind";
    QuizRuleDifficulty => "难度", "Difficulty";
    QuizRuleCount => "抽题数", "Count";
    QuizKindAny => "不限题型", "Any kind";
    QuizRuleAvailable => "可抽{n}道", "{n} available";
    QuizRuleShort => "可抽{n}道，少于抽题数", "only {n} available, fewer than the count";
    QuizTotals => "固定 {fixed} 道 + 抽取 {drawn} 道 = 共 {total} 道", "{fixed} fixed + {drawn} drawn = {total} in all";
    QuizPreviewButton => "预览试卷", "Preview a paper";
    QuizPreviewTitle => "试卷预览（组织者可见答案）", "Preview (answers shown to organizers only)";
    QuizPreviewSummary => "共 {n} 道（固定 {fixed} + 抽取 {drawn}），满分 {score} 分", "{n} questions ({fixed} fixed + {drawn} drawn), {score} points in all";
    QuizPreviewPass => "及格 {n} 分", "pass mark {n}";
    QuizPreviewFixed => "固定", "Fixed";
    QuizPreviewDrawn => "抽取", "Drawn";
    QuizPreviewKey => "答案：{key}", "Answer: {key}";
    QuizPreviewNote => "每位成员的抽取题目各不相同；这是其中一份。", "Each member draws their own questions; this is one such paper.";
    QuizReachUnits => "已发布，覆盖 {units}，共 {n} 名成员", "Published to {units}: {n} members";
    QuizReachEveryone => "已发布，覆盖全体成员，共 {n} 名", "Published to everyone: {n} members";
    QuizReachDraft => "发布后将覆盖 {units}，共 {n} 名成员", "Once published it reaches {units}: {n} members";
    QuizReachEveryoneShort => "全体成员", "everyone";
    QuizInModule => "所属学习专题：", "Study module: ";
    ContentQuizzes => "专题测验（练习、考试）", "Module quizzes (practice, exams)";
    ContentQuizzesNone => "还没有挂接测验。", "No quizzes attached yet.";
    ContentQuizzesHint => "成员在专题页面看到这里挂接的测验；只能挂接您管理的练习或考试。", "Members see these quizzes on the module's page; only practice and exam quizzes you manage can be attached.";
    ContentQuizAdd => "挂接", "Attach";
    ContentQuizPick => "选择测验", "Choose a quiz";
    ContentQuizAttached => "已挂接测验", "Quiz attached";
    ContentQuizDetached => "已移除测验", "Quiz removed";
    ContentQuizNoneToAdd => "没有可挂接的练习或考试，请先在组卷中创建。", "No practice or exam quizzes to attach; create one in the quiz builder first.";
    ContentDeleteBlocked => "已有成员学习或作答该专题，不能删除；如不再需要，可取消指派。", "Members have studied or answered this module, so it cannot be deleted; withdraw its assignment instead.";
    QuestionReadOnlyNote => "这是{bank}的题目，您只能查看；如需修改请联系管理员或发起纠错。", "This question belongs to {bank}; you can read it only. Ask an admin or file a report to change it.";
    QuestionBankOrg => "组织题库（全组织）", "the organization-wide bank";
    QuestionBankOf => "{unit}题库", "{unit}'s bank";
    // issue 17 reports
    PeriodReportsTitle => "周期报告", "Period reports";
    ReportPresets => "快速选择", "Quick pick";
    PeriodThisMonth => "本月", "This month";
    PeriodLastMonth => "上月", "Last month";
    PeriodThisQuarter => "本季度", "This quarter";
    PeriodLastQuarter => "上季度", "Last quarter";
    PeriodThisHalf => "本半年", "This half-year";
    PeriodLastHalf => "上个半年", "Last half-year";
    PeriodThisYear => "今年", "This year";
    PeriodLastYear => "去年", "Last year";
    ReportEarlier => "‹ 上一期", "‹ Earlier";
    ReportLater => "下一期 ›", "Later ›";
    ReportCustom => "自定义时间段", "Custom range";
    ReportFrom => "开始日期", "From";
    ReportTo => "结束日期", "To";
    ReportShow => "查看", "Show";
    ReportMonth => "月度提醒报告", "Monthly reminder report";
    ReportRange => "学习情况报告", "Study report";
    ReportNoPrevious => "上一周期没有学习或答题数据，不作比较", "No data in the previous period to compare with";
    ReportVsPrevious => "较上期（{label}）{delta}个百分点", "{delta} points vs {label}";
    CompletedMeans => "“已完成”指：学习专题读完全部课程并通过必答测验；答题活动提交且成绩达到及格线。已提交但未及格的不算完成。", "Completed: a module with every lesson read and its required quiz passed; a quiz submitted at or above its pass mark. Submitted but failed is not completed.";
    ReportByItem => "按学习专题与答题", "By module and quiz";
    ReportItem => "学习专题 / 答题", "Module / quiz";
    ReportNonCompleters => "未完成名单", "Not finished, by name";
    ReportUnitBehind => "{n}/{all}人未完成", "{n} of {all} not finished";
    ReportNoneBehind => "本期没有未完成的成员。", "Everyone has finished.";
    ReportItemsLeft => "{n}项未完成", "{n} left";
    ReportOpenUnit => "查看明细", "Details";
    ExportMatrix => "成员×项目明细（Excel）", "Member × item matrix (Excel)";
    UnitFilterAll => "全部成员", "All members";
    UnitFilterUnfinished => "只看未完成", "Unfinished only";
    UnitMember => "成员", "Member";
    UnitDoneCount => "已完成", "Done";
    UnitNotAssigned => "未分配", "Not assigned";
    UnitNotDone => "未完成", "Not done";
    UnitShowing => "显示{n}/{all}名成员", "{n} of {all} members";
    DashConfirmTitle => "发送学习提醒", "Send a reminder";
    DashConfirmText => "向未完成“{title}”的成员发送学习提醒？同一成员同一项每天只提醒一次。", "Remind the members who have not finished “{title}”? Each member gets it at most once a day.";
    DashConfirmSend => "确认提醒", "Remind";
    DashConfirmCancel => "取消", "Cancel";
    DashRemindedSome => "已提醒{n}名未完成的成员（另有{m}名今天已提醒过）", "Reminded {n} members ({m} had it today already)";
    DashReportsLink => "周期报告：", "Period reports: ";
}

/// Replaces each `{name}` in `template` by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A message to show: from the catalogue, or a text as it came (the server's message, a
/// `shared::validation` rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(K),
    Text(String),
}

// The language is chosen once at start. Switching it reloads the page (the session cookie
// keeps the user signed in), so every text is a plain `&'static str`: no reactive text
// anywhere, which keeps the wasm small.
thread_local! {
    static LOCALE: std::cell::Cell<Locale> = const { std::cell::Cell::new(Locale::Zh) };
}

const STORAGE_KEY: &str = "beacon.lang";

/// The current language.
pub fn locale() -> Locale {
    LOCALE.with(|l| l.get())
}

/// The text of `key` in the current language.
pub fn t(key: K) -> &'static str {
    key.text(locale())
}

/// `key` with its placeholders filled.
pub fn tf(key: K, args: &[(&str, &str)]) -> String {
    fill(t(key), args)
}

/// The text of a [`Msg`].
pub fn msg(m: &Msg) -> String {
    match m {
        Msg::Key(k) => t(*k).to_string(),
        Msg::Text(s) => s.clone(),
    }
}

/// Reads the stored choice (zh-CN when none) and marks the document's language.
pub fn init() {
    let locale = Locale::from_tag(crate::browser::stored(STORAGE_KEY).as_deref());
    LOCALE.with(|l| l.set(locale));
    crate::browser::set_document_lang(locale.tag());
}

/// Switches language: remembers the choice on this device and reloads the page.
pub fn switch_language() {
    crate::browser::set_stored(STORAGE_KEY, locale().other().tag());
    crate::browser::reload();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut out: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        out.sort();
        out
    }

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_key_has_both_locales() {
        for k in K::ALL {
            let zh = k.text(Locale::Zh);
            let en = k.text(Locale::En);
            assert!(!zh.trim().is_empty(), "{k:?} has no zh-CN text");
            assert!(!en.trim().is_empty(), "{k:?} has no English text");
            assert!(
                !has_cjk(en) || *k == K::LanguageToggle,
                "{k:?}: English text has Chinese: {en}"
            );
            assert_eq!(
                placeholders(zh),
                placeholders(en),
                "{k:?}: placeholders differ"
            );
        }
    }

    #[test]
    fn chinese_texts_are_chinese() {
        // Allowed exceptions: symbols and the language switch label.
        let exceptions = [K::LanguageToggle, K::ListSeparator];
        for k in K::ALL {
            if !exceptions.contains(k) {
                assert!(
                    has_cjk(k.text(Locale::Zh)),
                    "{k:?}: zh-CN text is not Chinese"
                );
            }
        }
    }

    #[test]
    fn glossary_terms_are_used_as_agreed() {
        assert_eq!(K::NavStudy.text(Locale::Zh), "学习");
        assert_eq!(K::NavQuiz.text(Locale::Zh), "答题");
        assert_eq!(K::MistakeBook.text(Locale::Zh), "错题本");
        assert_eq!(K::OrgBranches.text(Locale::Zh), "党支部");
        assert_eq!(K::OrgCells.text(Locale::Zh), "党小组");
        assert_eq!(K::OrgYouthGroups.text(Locale::Zh), "青年理论学习小组");
        assert_eq!(K::RoleMember.text(Locale::Zh), "成员");
        assert_eq!(K::RoleOrganizer.text(Locale::Zh), "组织员");
        assert_eq!(K::RoleAdmin.text(Locale::Zh), "管理员");
        assert_eq!(
            K::NetworkError.text(Locale::Zh),
            "网络连接失败，请检查网络后重试"
        );
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(fill("你好，{name}", &[("name", "张三")]), "你好，张三");
        assert_eq!(
            fill(
                K::MembersPageOf.text(Locale::Zh),
                &[("page", "2"), ("pages", "5")]
            ),
            "第2/5页"
        );
        assert_eq!(fill("{a}{a}", &[("a", "x")]), "xx");
        assert_eq!(fill("no args", &[]), "no args");
    }

    #[test]
    fn locale_tags_round_trip() {
        for l in [Locale::Zh, Locale::En] {
            assert_eq!(Locale::from_tag(Some(l.tag())), l);
            assert_eq!(l.other().other(), l);
        }
        assert_eq!(Locale::from_tag(None), Locale::Zh);
        assert_eq!(Locale::from_tag(Some("fr")), Locale::Zh);
    }
}
