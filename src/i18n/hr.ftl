# Built-in interface strings, Croatian. Every other built-in language has the same keys;
# a workspace's i18n/<lang>.ftl may override any of them. `{ $name }` marks a value filled in.
action = Mjera
action_plan = Plan mjera
added = Dodano
answer_na = Nije primjenjivo
answer_unanswered = Bez odgovora
audit_results = Rezultati revizije
auditors = Revizori
audits = Revizije
average_score = Prosječni rezultat
badge_markdown = Značka u Markdownu, za README datoteke i wikije
better_higher = Više je bolje
better_lower = Niže je bolje
breadcrumbs = Navigacijski put
breakdowns = Raščlambe
change = Promjena
change_since_previous = Promjena u odnosu na prethodnu reviziju
changes_from = Promjene u odnosu na
checklist = Kontrolna lista
completion = Ispunjenost
current_level = Trenutna razina
date = Datum
default_target = Zadani cilj
download_csv = Preuzmi CSV
due = Rok
evidence = Dokazi
evidence_metrics = Dokazi iz pokazatelja
evidence_stale = Zastarjelo
executive_summary = Sažetak za upravu
footer_built_with = Izrađeno pomoću alata
full_results = Potpuni rezultati
gap = Odstupanje
gap_analysis = Analiza odstupanja
gaps = Odstupanja
gaps_explained = Stavke ispod cilja, od najvećeg odstupanja. Odstupanje je težina stavke pomnožena s time koliko njezina razina na ljestvici zaostaje za ciljem; bodovi pokazuju koliko to umanjuje ukupni rezultat.
gaps_heading = Stavke ispod cilja
heatmap_explained = Rezultati odjeljaka (od 100) za svaku reviziju, poredani prema ukupnom rezultatu. Tamnija zelena znači bolji rezultat; oznaka pokraj svakog rezultata uspoređuje ga s ciljem odjeljka.
how_to_check = Kako provjeriti
improved = Poboljšano
item = Stavka
item_history = Povijest stavke
item_levels = Razina po timu i krugu
item_levels_desc = Jedna linija po timu: razina stavke u svakom krugu, s ciljem kao isprekidanom linijom.
item_not_answered = Nijedna revizija još nije ocijenila ovu stavku.
item_notes = Napomene kroz vrijeme
items = Stavke
items_below_target = Stavke ispod cilja
items_below_count =
    { $count ->
        [one] { $count } stavka ispod cilja
        [few] { $count } stavke ispod cilja
       *[other] { $count } stavki ispod cilja
    }
language = Jezik
largest_gaps = Najveća odstupanja
level = Razina
metric = Pokazatelj
metric_chart_desc = Vrijednosti svakog mjerenja kroz vrijeme; cilj je prikazan isprekidanom linijom, a područje blizu cilja je osjenčano.
metric_rankings = Poredak po pokazateljima
metrics_against_targets = Pokazatelji u odnosu na ciljeve
metrics_heading = Pokazatelji
nav_checklists = Kontrolne liste
nav_dashboard = Pregled
nav_main = Glavna navigacija
nav_metrics = Pokazatelji
nav_rounds = Krugovi
new_items = Nove stavke
newest_round = Najnoviji krug
no_actions = Nema evidentiranih mjera.
no_gaps = Sve stavke ispunjavaju svoj cilj.
no_metrics = Još nema mjerenja pokazatelja.
no_rounds = Još nema revizijskih krugova.
none = Nema
note = Napomena
nps_bands = Promotori, pasivni i kritičari
nps_bands_desc = Udio odgovora u svakoj skupini po datumu mjerenja; promotori daju ocjenu 9–10, pasivni 7–8, a kritičari 0–6.
nps_detractors = Kritičari
nps_passives = Pasivni
nps_promoters = Promotori
organisation = Cijela organizacija
overall_score = Ukupni rezultat
overdue = Izvan roka
owner = Nositelj
points = boda
# `$n` is the number, to choose the form by; `$points` is how the page writes it.
points_count =
    { $n ->
        [one] −{ $points } bod
        [few] −{ $points } boda
       *[other] −{ $points } bodova
    }
points_lost = Izgubljeni bodovi
previous_audit = Prethodna revizija
rankings_explained = Vrijednosti pokazatelja svake revizije na njezin datum, od najbolje prema najslabijoj.
ratio_good = Na vrijeme
ratio_missed = Izvan roka
ratio_other = Ostalo
ratio_over_time = { $name }: ispunjeno i neispunjeno
ratio_over_time_desc = Broj slučajeva u kojima je cilj ispunjen i nije ispunjen po datumu mjerenja, zbrojeno za sve timove.
ratio_positive = Pozitivno
ratio_split = { $name }: pozitivno i ostalo
ratio_split_desc = Slučajevi ocijenjeni kao pozitivni i ostali, po datumu mjerenja, zbrojeno za sve timove.
redirect_to = Ova se stranica sada nalazi ovdje:
regressed = Pogoršano
removed = Uklonjeno
removed_items = Uklonjene stavke
report_description = Rezultat { $score } uz cilj { $target }; ispod cilja: { $gaps ->
        [one] { $gaps } stavka
        [few] { $gaps } stavke
       *[other] { $gaps } stavki
    }.
retitled = Preimenovano
round = Krug
scale = Ljestvica
scale_five_point_1 = 1 – Loše
scale_five_point_2 = 2 – Prihvatljivo
scale_five_point_3 = 3 – Dobro
scale_five_point_4 = 4 – Vrlo dobro
scale_five_point_5 = 5 – Odlično
scale_maturity_absent = Ne postoji
scale_maturity_established = Uspostavljeno
scale_maturity_initial = Početno
scale_maturity_optimised = Optimizirano
scale_maturity_partial = Djelomično
scale_yes_no_no = Ne
scale_yes_no_yes = Da
score = Rezultat
search = Pretraživanje
search_kind_audit = Revizija
search_kind_gap = Odstupanje
search_kind_note = Napomena
search_placeholder = Pretražite stavke, napomene, odstupanja…
section = Odjeljak
section_scores = Rezultati po odjeljcima
section_scores_desc = Rezultat svakog odjeljka (od 100) s označenim ciljem.
section_summary = Odjeljci
sections = Odjeljci
see_current_version = pogledajte aktualnu verziju
series_heading = Svi timovi i kontrolne liste
shareable_report = Izvješće za dijeljenje
show_table = Prikaži kao tablicu
since = u odnosu na
skip_to_content = Preskoči na sadržaj
status = Status
status_at_risk = Blizu cilja
status_below = Ispod cilja
status_met = Ispunjeno
status_untracked = Bez cilja
subject = Tim
summary = Sažetak
switch_round = Ostali krugovi
taken = Datum mjerenja
target = Cilj
target_level = Ciljna razina
texts = Tekstovi
tools = Alati
top_gaps = Glavna odstupanja
translation_coverage = Pokrivenost prijevodom
trend = Trend
trend_of = Trend: { $name }
unit_day = d
unit_hour = h
unit_minute = min
unit_second = s
value = Vrijednost
version = Verzija
versions = Verzije
versions_heading = Verzije
warn_level = Prag upozorenja
weakest_point = Najslabija točka
weight = Težina
why_it_matters = Zašto je to važno
all_teams = Svi timovi
untranslated_texts = Neprevedeni tekstovi
