# Built-in interface strings, Slovenian. Every other built-in language has the same keys;
# a workspace's i18n/<lang>.ftl may override any of them. `{ $name }` marks a value filled in.
action = Ukrep
action_plan = Načrt ukrepov
added = Dodano
answer_exempt = Izvzeto
answer_na = Ne velja
answer_unanswered = Brez odgovora
audit_results = Rezultati presoje
auditors = Presojevalci
audits = Presoje
average_score = Povprečni rezultat
badge_markdown = Značka v Markdownu, za datoteke README in wikije
better_higher = Višje je bolje
better_lower = Nižje je bolje
breadcrumbs = Drobtinice
breakdowns = Razčlenitve
change = Sprememba
change_since_previous = Sprememba od prejšnje presoje
changes_from = Spremembe glede na
checklist = Kontrolni seznam
completion = Izpolnjenost
current_level = Trenutna raven
date = Datum
default_target = Privzeti cilj
download_csv = Prenesi CSV
due = Rok
every_subject = Vse ekipe
evidence = Dokazila
evidence_metrics = Dokazila iz kazalnikov
executive_summary = Povzetek za vodstvo
exempt_items = Izvzete postavke
exemption_approved = Odobreno
exemption_expired = Poteklo
exemption_expiring = Kmalu poteče
exemption_reason = Razlog
exemption_until = Velja do
exemptions_explained = Sprejete vrzeli, vsaka z nosilcem in zadnjim dnem veljavnosti. Izvzeta postavka šteje, kot da ne velja; rezultat brez izvzetij je prikazan ob rezultatu. Prva so izvzetja, ki potečejo v { $days } dneh od najnovejšega kroga.
footer_built_with = Izdelano z orodjem
full_results = Celotni rezultati
gap = Vrzel
gap_analysis = Analiza vrzeli
gaps = Vrzeli
gaps_explained = Postavke pod ciljem, od največje vrzeli navzdol. Vrzel je utež postavke, pomnožena s tem, koliko njena raven na lestvici zaostaja za ciljem; točke kažejo, za koliko to zniža skupni rezultat.
gaps_heading = Postavke pod ciljem
heatmap_explained = Rezultati razdelkov (od 100) za vsako presojo, razvrščeni po skupnem rezultatu. Temnejša zelena pomeni boljši rezultat; oznaka ob vsakem rezultatu ga primerja s ciljem razdelka.
how_to_check = Kako preveriti
improved = Izboljšano
item = Postavka
items = Postavke
items_below_target = Postavke pod ciljem
items_below_count =
    { $count ->
        [one] { $count } postavka pod ciljem
        [two] { $count } postavki pod ciljem
        [few] { $count } postavke pod ciljem
       *[other] { $count } postavk pod ciljem
    }
language = Jezik
largest_gaps = Največje vrzeli
level = Raven
metric = Kazalnik
metric_chart_desc = Vrednosti posameznih meritev skozi čas; cilj je prikazan s črtkano črto, območje blizu cilja pa je osenčeno.
metric_rankings = Razvrstitev po kazalnikih
metrics_against_targets = Kazalniki glede na cilje
metrics_heading = Kazalniki
nav_checklists = Kontrolni seznami
nav_dashboard = Pregled
nav_exemptions = Izvzetja
nav_main = Glavna navigacija
nav_metrics = Kazalniki
nav_rounds = Krogi
new_items = Nove postavke
newest_round = Najnovejši krog
no_actions = Ni zabeleženih ukrepov.
no_gaps = Vse postavke dosegajo svoj cilj.
no_metrics = Meritev kazalnikov še ni.
no_rounds = Krogov presoj še ni.
none = Brez
note = Opomba
nps_bands = Promotorji, pasivni in kritiki
nps_bands_desc = Delež odgovorov v posamezni skupini po datumu meritve; promotorji dajo oceno 9–10, pasivni 7–8, kritiki 0–6.
nps_detractors = Kritiki
nps_passives = Pasivni
nps_promoters = Promotorji
organisation = Celotna organizacija
overall_score = Skupni rezultat
overdue = Zamuja
owner = Nosilec
points = točke
# `$n` is the number, to choose the form by; `$points` is how the page writes it.
points_count =
    { $n ->
        [one] −{ $points } točka
        [two] −{ $points } točki
        [few] −{ $points } točke
       *[other] −{ $points } točk
    }
points_lost = Izgubljene točke
previous_audit = Prejšnja presoja
rankings_explained = Vrednosti kazalnikov vsake presoje na njen datum, od najboljše navzdol.
ratio_good = Pravočasno
ratio_missed = Zamujeno
ratio_other = Drugo
ratio_over_time = { $name }: doseženo in nedoseženo
ratio_over_time_desc = Število primerov, ki so cilj dosegli oziroma ga niso, po datumu meritve, seštevek vseh ekip.
ratio_positive = Pozitivno
ratio_split = { $name }: pozitivno in drugo
ratio_split_desc = Primeri, šteti kot pozitivni, in ostali, po datumu meritve, sešteto za vse ekipe.
redirect_to = Ta stran se zdaj nahaja tukaj:
regressed = Poslabšano
removed = Odstranjeno
removed_items = Odstranjene postavke
report_description = Rezultat { $score } ob cilju { $target }; pod ciljem: { $gaps ->
        [one] { $gaps } postavka
        [two] { $gaps } postavki
        [few] { $gaps } postavke
       *[other] { $gaps } postavk
    }.
retitled = Preimenovano
round = Krog
scale = Lestvica
scale_five_point_1 = 1 – Slabo
scale_five_point_2 = 2 – Zadovoljivo
scale_five_point_3 = 3 – Dobro
scale_five_point_4 = 4 – Prav dobro
scale_five_point_5 = 5 – Odlično
scale_maturity_absent = Odsotno
scale_maturity_established = Vzpostavljeno
scale_maturity_initial = Začetno
scale_maturity_optimised = Optimizirano
scale_maturity_partial = Delno
scale_yes_no_no = Ne
scale_yes_no_yes = Da
score = Rezultat
score_without_exemptions = Brez izvzetij
search = Iskanje
search_kind_audit = Presoja
search_kind_gap = Vrzel
search_kind_note = Opomba
search_placeholder = Iščite po postavkah, opombah, vrzelih…
section = Razdelek
section_scores = Rezultati po razdelkih
section_scores_desc = Rezultat vsakega razdelka (od 100) z označenim ciljem.
section_summary = Razdelki
sections = Razdelki
see_current_version = oglejte si trenutno različico
series_heading = Vse ekipe in kontrolni seznami
shareable_report = Poročilo za deljenje
show_table = Prikaži kot tabelo
since = izhodišče:
skip_to_content = Preskoči na vsebino
status = Stanje
status_at_risk = Blizu cilja
status_below = Pod ciljem
status_met = Doseženo
status_untracked = Brez cilja
subject = Ekipa
summary = Povzetek
switch_round = Drugi krogi
taken = Datum meritve
target = Cilj
target_level = Ciljna raven
texts = Besedila
tools = Orodja
top_gaps = Glavne vrzeli
translation_coverage = Pokritost s prevodi
trend = Trend
trend_of = Trend: { $name }
unit_day = d
unit_hour = h
unit_minute = min
unit_second = s
value = Vrednost
version = Različica
versions = Različice
versions_heading = Različice
warn_level = Opozorilni prag
weakest_point = Najšibkejša točka
weight = Utež
why_it_matters = Zakaj je pomembno
all_teams = Vse ekipe
untranslated_texts = Neprevedena besedila
