# Built-in interface strings, Polish. Every other built-in language has the same keys;
# a workspace's i18n/<lang>.ftl may override any of them. `{ $name }` marks a value filled in.
action = Działanie
action_plan = Plan działań
added = Dodane
answer_exempt = Wyłączone
answer_na = Nie dotyczy
answer_unanswered = Bez odpowiedzi
audit_results = Wyniki audytu
auditors = Audytorzy
audits = Audyty
average_score = Średni wynik
badge_markdown = Odznaka w Markdownie do plików README i wiki
better_higher = Im wyżej, tym lepiej
better_lower = Im niżej, tym lepiej
breadcrumbs = Ścieżka nawigacji
breakdowns = Podziały
change = Zmiana
change_since_previous = Zmiana od poprzedniego audytu
changes_from = Zmiany w porównaniu z
checklist = Lista kontrolna
completion = Wypełnienie
current_level = Obecny poziom
date = Data
default_target = Domyślny cel
download_csv = Pobierz CSV
due = Termin
every_subject = Wszystkie zespoły
evidence = Dowody
evidence_metrics = Dowody ze wskaźników
executive_summary = Podsumowanie dla kierownictwa
exempt_items = Pozycje wyłączone
exemption_approved = Zatwierdzono
exemption_expired = Wygasło
exemption_expiring = Wkrótce wygasa
exemption_reason = Powód
exemption_until = Ważne do
exemptions_explained = Zaakceptowane luki, każda z osobą odpowiedzialną i ostatnim dniem ważności. Wyłączona pozycja liczy się jak niedotycząca; wynik bez wyłączeń jest pokazany obok wyniku. Najpierw są wyłączenia, które kończą się w ciągu { $days } dni od najnowszego cyklu.
footer_built_with = Wygenerowano za pomocą
full_results = Pełne wyniki
gap = Luka
gap_analysis = Analiza luk
gaps = Luki
gaps_explained = Pozycje poniżej celu, od największej luki. Luka to waga pozycji pomnożona przez to, o ile jej poziom na skali nie sięga celu; punkty pokazują, o ile obniża to wynik ogólny.
gaps_heading = Pozycje poniżej celu
heatmap_explained = Wyniki sekcji (na 100) w każdym audycie, uszeregowane według wyniku ogólnego. Im ciemniejsza zieleń, tym lepiej; znacznik obok każdego wyniku porównuje go z celem sekcji.
how_to_check = Jak sprawdzić
improved = Poprawa
item = Pozycja
items = Pozycje
items_below_target = Pozycje poniżej celu
items_below_count =
    { $count ->
        [one] { $count } pozycja poniżej celu
        [few] { $count } pozycje poniżej celu
        [many] { $count } pozycji poniżej celu
       *[other] { $count } pozycji poniżej celu
    }
language = Język
largest_gaps = Największe luki
level = Poziom
metric = Wskaźnik
metric_chart_desc = Wartości z kolejnych pomiarów w czasie; cel zaznaczono linią przerywaną, a strefę blisko celu zacieniowano.
metric_rankings = Rankingi według wskaźników
metrics_against_targets = Wskaźniki na tle celów
metrics_heading = Wskaźniki
nav_checklists = Listy kontrolne
nav_dashboard = Pulpit
nav_exemptions = Wyłączenia
nav_main = Menu główne
nav_metrics = Wskaźniki
nav_rounds = Cykle audytów
new_items = Nowe pozycje
newest_round = Najnowszy cykl
no_actions = Nie zapisano żadnych działań.
no_gaps = Wszystkie pozycje osiągają swój cel.
no_metrics = Brak pomiarów.
no_rounds = Brak cykli audytów.
none = Brak
note = Uwagi
nps_bands = Promotorzy, pasywni i krytycy
nps_bands_desc = Odsetek odpowiedzi w każdej grupie według daty pomiaru; promotorzy dają 9–10, pasywni 7–8, krytycy 0–6.
nps_detractors = Krytycy
nps_passives = Pasywni
nps_promoters = Promotorzy
organisation = Cała organizacja
overall_score = Wynik ogólny
overdue = Po terminie
owner = Odpowiedzialny
points = pkt
# `$n` is the number, to choose the form by; `$points` is how the page writes it.
points_count =
    { $n ->
        [one] −{ $points } punkt
        [few] −{ $points } punkty
        [many] −{ $points } punktów
       *[other] −{ $points } punktu
    }
points_lost = Utracone pkt
previous_audit = Poprzedni audyt
rankings_explained = Wartości wskaźników każdego audytu na dzień jego przeprowadzenia, od najlepszych.
ratio_good = W terminie
ratio_missed = Po terminie
ratio_other = Pozostałe
ratio_over_time = { $name }: dotrzymane i niedotrzymane
ratio_over_time_desc = Liczba przypadków, w których cel został lub nie został osiągnięty, według daty pomiaru, zsumowana dla wszystkich zespołów.
ratio_positive = Pozytywne
ratio_split = { $name }: pozytywne i pozostałe
ratio_split_desc = Przypadki liczone jako pozytywne i pozostałe, według daty pomiaru, zsumowane dla wszystkich zespołów.
redirect_to = Ta strona została przeniesiona:
regressed = Pogorszenie
removed = Usunięte
removed_items = Usunięte pozycje
report_description = Wynik { $score } przy celu { $target }; poniżej celu: { $gaps ->
        [one] { $gaps } pozycja
        [few] { $gaps } pozycje
        [many] { $gaps } pozycji
       *[other] { $gaps } pozycji
    }.
retitled = Zmienione nazwy
round = Cykl audytów
scale = Skala
scale_five_point_1 = 1 – Słabo
scale_five_point_2 = 2 – Przeciętnie
scale_five_point_3 = 3 – Dobrze
scale_five_point_4 = 4 – Bardzo dobrze
scale_five_point_5 = 5 – Doskonale
scale_maturity_absent = Brak
scale_maturity_established = Ugruntowany
scale_maturity_initial = Początkowy
scale_maturity_optimised = Zoptymalizowany
scale_maturity_partial = Częściowy
scale_yes_no_no = Nie
scale_yes_no_yes = Tak
score = Wynik
score_without_exemptions = Bez wyłączeń
search = Szukaj
search_kind_audit = Audyt
search_kind_gap = Luka
search_kind_note = Uwagi
search_placeholder = Szukaj w pozycjach, uwagach, lukach…
section = Sekcja
section_scores = Wyniki sekcji
section_scores_desc = Wynik każdej sekcji na 100, z zaznaczonym celem.
section_summary = Sekcje
sections = Sekcje
see_current_version = zobacz aktualną wersję
series_heading = Wszystkie zespoły i listy kontrolne
shareable_report = Raport do udostępnienia
show_table = Pokaż jako tabelę
since = w porównaniu z
skip_to_content = Przejdź do treści
status = Status
status_at_risk = Blisko celu
status_below = Poniżej celu
status_met = Osiągnięty
status_untracked = Bez celu
subject = Zespół
summary = Podsumowanie
switch_round = Inne cykle
taken = Data pomiaru
target = Cel
target_level = Poziom docelowy
texts = Teksty
tools = Narzędzia
top_gaps = Główne luki
translation_coverage = Stan tłumaczenia
trend = Trend
trend_of = Trend: { $name }
unit_day = d
unit_hour = h
unit_minute = min
unit_second = s
value = Wartość
version = Wersja
versions = Wersje
versions_heading = Wersje
warn_level = Próg ostrzegawczy
weakest_point = Najsłabszy punkt
weight = Waga
why_it_matters = Dlaczego to ważne
all_teams = Wszystkie zespoły
untranslated_texts = Nieprzetłumaczone teksty
