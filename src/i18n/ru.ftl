# Built-in interface strings, Russian. Every other built-in language has the same keys;
# a workspace's i18n/<lang>.ftl may override any of them. `{ $name }` marks a value filled in.
action = Мера
action_plan = План мер
added = Добавлено
answer_exempt = Исключение
answer_na = Неприменимо
answer_unanswered = Нет ответа
audit_results = Результаты аудита
auditors = Аудиторы
audits = Аудиты
average_score = Средняя оценка
badge_markdown = Значок в Markdown для README и вики
better_higher = Чем выше, тем лучше
better_lower = Чем ниже, тем лучше
breadcrumbs = Навигационная цепочка
breakdowns = Разбивка
change = Изменение
change_since_previous = Изменение с предыдущего аудита
changes_from = Изменения по сравнению с
checklist = Чек-лист
completion = Заполненность
current_level = Текущий уровень
date = Дата
default_target = Цель по умолчанию
download_csv = Скачать CSV
due = Срок
every_subject = Все команды
evidence = Подтверждения
evidence_metrics = Подтверждения из показателей
executive_summary = Резюме для руководства
exempt_items = Пункты с исключением
exemption_approved = Утверждено
exemption_expired = Истекло
exemption_expiring = Скоро истекает
exemption_reason = Причина
exemption_until = Действует до
exemptions_explained = Принятые отставания от цели, у каждого — ответственный и последний день действия. Пункт с исключением считается неприменимым; оценка без исключений показана рядом с оценкой. Первыми идут исключения, которые заканчиваются в течение { $days } дней от последнего цикла.
footer_built_with = Создано с помощью
full_results = Полные результаты
gap = Отставание
gap_analysis = Анализ отставаний
gaps = Отставания
gaps_explained = Пункты ниже цели, начиная с наибольшего отставания. Отставание — это вес пункта, умноженный на то, насколько его уровень на шкале не дотягивает до цели; баллы показывают, на сколько это снижает итоговую оценку.
gaps_heading = Пункты ниже цели
heatmap_explained = Оценки разделов (из 100) по каждому аудиту, упорядоченные по итоговой оценке. Чем темнее зелёный, тем выше результат; значок рядом с оценкой показывает её соотношение с целью раздела.
how_to_check = Как проверить
improved = Улучшилось
item = Пункт
items = Пункты
items_below_target = Пункты ниже цели
items_below_count =
    { $count ->
        [one] { $count } пункт ниже цели
        [few] { $count } пункта ниже цели
        [many] { $count } пунктов ниже цели
       *[other] { $count } пункта ниже цели
    }
language = Язык
largest_gaps = Наибольшие отставания
level = Уровень
metric = Показатель
metric_chart_desc = Значения каждого замера во времени; цель показана пунктирной линией, полоса между порогом предупреждения и целью затенена.
metric_rankings = Рейтинг по показателям
metrics_against_targets = Показатели в сравнении с целями
metrics_heading = Показатели
nav_checklists = Чек-листы
nav_dashboard = Обзор
nav_exemptions = Исключения
nav_main = Основная навигация
nav_metrics = Показатели
nav_rounds = Циклы аудита
new_items = Новые пункты
newest_round = Последний цикл
no_actions = Меры не записаны.
no_gaps = Все пункты соответствуют цели.
no_metrics = Замеров показателей пока нет.
no_rounds = Циклов аудита пока нет.
none = Нет
note = Примечание
nps_bands = Промоутеры, нейтралы и критики
nps_bands_desc = Доля ответов в каждой группе по датам замеров; промоутеры ставят 9–10, нейтралы — 7–8, критики — 0–6.
nps_detractors = Критики
nps_passives = Нейтралы
nps_promoters = Промоутеры
organisation = Вся организация
overall_score = Итоговая оценка
overdue = Просрочено
owner = Ответственный
points = балла
# `$n` is the number, to choose the form by; `$points` is how the page writes it.
points_count =
    { $n ->
        [one] −{ $points } балл
        [few] −{ $points } балла
        [many] −{ $points } баллов
       *[other] −{ $points } балла
    }
points_lost = Потеряно баллов
previous_audit = Предыдущий аудит
rankings_explained = Значения показателей каждого аудита на дату его проведения, от лучшего к худшему.
ratio_good = В срок
ratio_missed = Просрочено
ratio_other = Остальные
ratio_over_time = { $name }: выполнено и не выполнено
ratio_over_time_desc = Число случаев, в которых цель выполнена и не выполнена, по датам замеров, суммарно по всем командам.
ratio_positive = Положительные
ratio_split = { $name }: положительные и остальные
ratio_split_desc = Случаи, засчитанные как положительные, и остальные по датам замеров, суммарно по командам.
redirect_to = Эта страница перенесена сюда:
regressed = Ухудшилось
removed = Удалено
removed_items = Удалённые пункты
report_description = Оценка { $score } при цели { $target }; ниже цели { $gaps ->
        [one] { $gaps } пункт
        [few] { $gaps } пункта
        [many] { $gaps } пунктов
       *[other] { $gaps } пункта
    }.
retitled = Переименовано
round = Цикл аудита
scale = Шкала
scale_five_point_1 = 1 – Плохо
scale_five_point_2 = 2 – Удовлетворительно
scale_five_point_3 = 3 – Хорошо
scale_five_point_4 = 4 – Очень хорошо
scale_five_point_5 = 5 – Отлично
scale_maturity_absent = Отсутствует
scale_maturity_established = Устоявшийся
scale_maturity_initial = Начальный
scale_maturity_optimised = Оптимизированный
scale_maturity_partial = Частичный
scale_yes_no_no = Нет
scale_yes_no_yes = Да
score = Оценка
score_without_exemptions = Без исключений
search = Поиск
search_kind_audit = Аудит
search_kind_gap = Отставание
search_kind_note = Примечание
search_placeholder = Поиск по пунктам, примечаниям, отставаниям…
section = Раздел
section_scores = Оценки по разделам
section_scores_desc = Оценка каждого раздела (из 100) с отметкой цели.
section_summary = Разделы
sections = Разделы
see_current_version = см. актуальную версию
series_heading = Все команды и чек-листы
shareable_report = Отчёт для рассылки
show_table = Показать таблицей
since = база сравнения:
skip_to_content = Перейти к содержимому
status = Статус
status_at_risk = Близко к цели
status_below = Ниже цели
status_met = Выполнено
status_untracked = Без цели
subject = Команда
summary = Резюме
switch_round = Другие циклы
taken = Дата замера
target = Цель
target_level = Целевой уровень
texts = Тексты
tools = Инструменты
top_gaps = Основные отставания
translation_coverage = Охват перевода
trend = Динамика
trend_of = Динамика: { $name }
unit_day = д
unit_hour = ч
unit_minute = мин
unit_second = с
value = Значение
version = Версия
versions = Версии
versions_heading = Версии
warn_level = Порог предупреждения
weakest_point = Слабое место
weight = Вес
why_it_matters = Почему это важно
all_teams = Все команды
untranslated_texts = Непереведённые тексты
