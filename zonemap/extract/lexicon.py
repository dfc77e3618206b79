"""Word lists the extractor reads text with: words that look like places and are not, and words that say a place follows.

Kept apart from the code so that they can be read and extended in one place.
Every list is of ordinary English (or transliterated Arabic) words, written
for this project.
"""

from __future__ import annotations

# Capitalised words that are names of Syrian villages or neighbourhoods in the gazetteer, or
# alternate names of well-known places, but that English news text uses as ordinary words, given
# names or titles. A mention of one is taken for a place only with a place cue ("the village of X",
# "in X", "X village").
COMMON_WORDS = frozenset("""
for has tell seen hit hot san centre center sad hole sam kinda adam revolution tall joseph harm wash kelly ali nazi
khan dam harsh brad shark soda sara karma haul nina mil ada shin bali hal malik fares mare mayer alma mal kara
sharia jihad abel sham mara iss brat basel dora abbas sahara mina hara tata dar turin zara tal rama rai khaled mari
aziz granada ara mustafa livin karim doha amin berman abba nada adnan harem rashid ora alia sabha baja kam jana arjun
amer shahid salam salim dana sur ezra industrial youth new old martyrs martyr liberation unity freedom victory
peace hope palestine jerusalem quds islam golan baath ghouta president army camp airport university hospital
stadium bridge castle citadel mosque church market square station factory prison base road highway crossing
border front square gate tower hill mountain mount valley river lake dam spring well farm
""".split())

# Words after which a capitalised name is part of a person's name or title, not a place.
PERSON_TITLES = frozenset("""
president prime minister ministers mr mrs ms dr doctor gen general lt lieutenant col colonel maj major capt captain
brig brigadier commander chief spokesman spokeswoman spokesperson envoy ambassador negotiator leader king queen
prince princess emir sheikh imam bishop patriarch pope father sister brother mother son daughter uncle cousin
senator secretary deputy mayor governor judge activist journalist reporter correspondent analyst official
foreign defence defense interior
""".split())

# Words that, after a place name, make it part of an organisation's or a publication's name.
ORGANISATION_WORDS = frozenset("""
party front army forces force brigade brigades battalion battalions movement council committee regime government
militia militias group groups legion corps division news agency media observatory times post tv television radio
club university airlines authority authorities administration operations room police office centre center
coalition alliance
""".split())

# First words of the names of armed groups and organisations ("Ahrar al-Sham", "Jaish al-Islam",
# "Hayat Tahrir al-Sham", "Liwa al-Quds"): a place name right after one of them is part of the group's name.
GROUP_WORDS = frozenset("""
ahrar jaish jaysh harakat harakah liwa liwaa jabhat jabhah tahrir hayat hayat faylaq failaq ansar jund katibat
kataib saraya tajammu fatah fateh fatih nour nur zinki thuwar ahl usud furqan
""".split())

# Words of a country's inhabitants: adjectives, never places.
DEMONYMS = frozenset("""
syrian syrians russian russians iranian iranians turkish turk turks american americans british french german
israeli israelis lebanese jordanian jordanians iraqi iraqis kurdish kurd kurds arab arabs qatari saudi emirati
kazakh european chinese egyptian palestinian palestinians alawite alawites sunni shia shiite druze christian
""".split())

# Months and weekdays, capitalised in English and never places here.
CALENDAR_WORDS = frozenset("""
january february march april may june july august september october november december monday tuesday wednesday
thursday friday saturday sunday
""".split())

# Words before a name that say it is a place ("in Douma", "near the town of Harasta").
LOCATIVE_WORDS = frozenset("""
in at near outside inside around into from to towards toward across through throughout on onto via beyond
""".split())

# Verbs of attack right before a name that say it is a place ("shelled Hamouriyeh", "pounded Saraqeb").
ATTACK_VERBS = frozenset("""
shelled bombed struck hit pounded targeted stormed captured seized recaptured retook entered besieged raided
attacked bombarded overran encircled
""".split())

# Place nouns: "the town of X", "X village", "the X countryside".
PLACE_NOUNS = frozenset("""
town towns village villages city cities province provinces governorate governorates district districts
subdistrict sub-district countryside suburb suburbs outskirts area areas region enclave neighbourhood neighborhood
district quarter camp hamlet locality municipality capital pocket
""".split())

# Words before a name that describe who holds or surrounds it ("rebel-held Idlib", "besieged Madaya").
CONTROL_WORDS = frozenset("""
held besieged rebel opposition government regime controlled encircled
""".split())

# Directions: "northern Homs", "eastern Ghouta" may be written in lower case.
DIRECTIONS = frozenset("north south east west northern southern eastern western northeast northwest southeast "
                       "southwest central upper lower".split())

# Verbs after a bare name that make it a person speaking ("Hassan said").
SPEECH_VERBS = frozenset("said says told added stated wrote tweeted explained warned argued claimed".split())

# Sentence-initial words that are English, never names, so a capitalised word after them is not sentence-initial.
FUNCTION_WORDS = frozenset("""
a an the this that these those and but or nor so yet for of in on at by to from with without after before
however while when where as if though although because since until meanwhile also then still
""".split())
