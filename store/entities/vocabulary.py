"""The rule words the extractor reasons with: grammar, not names.

Names of people, places and countries come from data packages (see ``gazetteer``); these lists
only say which ordinary words mark a name's kind ("Bank", "Strait"), which words are never
names ("The", "She"), and which phrases are page furniture ("End of Article").
"""

from __future__ import annotations

import calendar
import re

# Determiners, pronouns, conjunctions, prepositions and sentence adverbs: capitalised only
# because a sentence starts with them, never a name or part of one at its start.
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those there here then thus hence so such
    i me my we us our you your he him his she her it its they them their who whom whose
    what which when where why how whether if unless while though although because since
    and or but nor yet for with without within about above after against along among
    around as at before behind below beneath beside between beyond by despite down during
    except from in inside into like near of off on onto out outside over past per through
    throughout till to toward towards under until up upon via
    all any both each either every few many more most much neither no none not only other
    some also just even still already again ever never often perhaps meanwhile however
    instead otherwise indeed moreover furthermore nevertheless last next yesterday today
    tomorrow tonight earlier later now once recently sources according

    """.split()
)

WEEKDAYS_AND_MONTHS = frozenset(
    name
    for name in (*calendar.day_name, *calendar.month_name, *calendar.day_abbr, *calendar.month_abbr)
    if name
) | {"Sept", "Tues", "Thurs"}

MONTHS = frozenset(name for name in (*calendar.month_name, *calendar.month_abbr) if name) | {"Sept"}
# Months that are also given names: one before another capitalised word opens a person's name
# ("Jan Simpson", "April Ryan"), not a date ("Jan 24").
MONTHS_THAT_ARE_NAMES = frozenset("Jan April May June August".split())

# Numbers in words that open a sentence before a plural: "Fourteen Democrats joined".
NUMBER_WORD = re.compile(
    r"^(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-\w+)?|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|hundreds|thousands|dozens|millions|several|some|many|most|few|all)$",
    re.IGNORECASE,
)

# The last word of an organisation's name says what it is.
ORG_HEADS = frozenset(
    """
    Inc Corp Corporation Co Ltd Limited LLC Plc PLC AG SA NV GmbH Group Holdings Company
    Bank Bancorp Partners Capital Investments Securities Insurance Airlines Airways Air Motors
    Motor Technologies Technology Systems Pharmaceuticals Energy Industries Industry
    Entertainment Studios Media Labs Foods Brands Telecom Communications Networks Software
    Management Rail Railway Railways Refinery Community Observatory
    University College Institute School Academy Laboratory Hospital Museum Library
    Ministry Department Agency Authority Commission Committee Council Office Bureau Board
    Service Services Parliament Congress Senate Assembly Court Tribunal Cabinet Government
    Administration Force Forces Army Navy Police Guard Guards Party Union Federation
    Association Alliance League Society Foundation Fund Trust Organisation Organization
    Coalition Movement Network Exchange Reserve Commissioner Club FC United City Rovers
    Athletic Wanderers Times Post News Journal Herald Tribune Gazette Press Review Monitor
    Broadcasting Radio Television Church Forum Centre Center Programme Program Consortium
    Secretariat Elementary
    Sabha Sena Dal Morcha Aayog Sangh Parishad Nigam
    """.split()
)
# Words that end a company's name but open no "X of Y" name ("Construction of the line") and
# are seldom surnames: what a firm does.
COMPANY_TAILS = frozenset(
    """
    Properties Homes Estates Developments Resources Minerals Mining Metals Petroleum Utilities
    Logistics Shipping Pharma Therapeutics Biotech Robotics Solutions Ventures Financial
    Brewery Breweries Automotive Aerospace Chemicals Retail Hotels Resorts Records Publishing
    Renewables Promotions Productions Pictures Films Associates Advisers Advisors Consulting
    Engineering Construction Contractors Farms Dairies Cement
    Associati Associés Asociados Hermanos Frères Söhne Gruppe Gruppen Laboratories
    Energi Energia Energía Énergie Energie Telekom Invest Kapital Industrier Industrie
    Industria Industrias Assurances Versicherung Banken Finans
    Shipbuilding Semiconductor Semiconductors Electronics Steel Chemical Textiles Beverages
    Mills Plastics Fertilizers Fertilisers Refining Telecommunications Biosciences Biopharma
    """.split()
)

# A company's legal form ends its name: "X and Y Corp" names two companies, not one.
LEGAL_FORMS = frozenset("Inc Corp Co Ltd Limited LLC Plc PLC AG SA NV GmbH".split())

# Organisation heads that open a name and take "of"/"for": "University of Cambridge".
ORG_OPENERS = frozenset(
    """
    University Bank Ministry Department Institute Office House Council Court Commission
    Board Federation Association Church Party Museum College School Academy Society League
    Union Organisation Organization Bureau Agency Chamber Federal National Secretariat
    """.split()
)
# Organisation heads in the languages whose institutions world news names untranslated, where
# the head opens the name, "of" or no "of": "Banco de España", "Partido Popular", "Bord
# Pleanála", "Jamaat-e-Islami". Words that are also given names ("Isla", "Sierra") are left out.
FOREIGN_ORG_OPENERS = frozenset(
    """
    Banco Banca Banque Grupo Groupe Gruppo Compañía Companhia Compagnie Empresa Empresas
    Universidad Universidade Université Università Universität Universiteit Instituto
    Institut Istituto Ministerio Ministério Ministère Ministero Ministerium Comisión Comissão
    Commissione Kommission Consejo Conselho Conseil Consiglio Corte Cour Agencia Agência
    Agence Agenzia Asociación Associação Fédération Federación Federação Federazione
    Sindicato Syndicat Confederación Confédération Fundación Fundação Fondation Fondazione
    Stiftung Editorial Éditions Ediciones Edizioni Médecins Médicos Acción Ação Alianza
    Aliança Coalición Partido Partito Parti Partei Partij Frente Movimiento Movimento
    Mouvement Unión União Unione Asamblea Assemblée Assembleia Cámara Câmara Chambre Camera
    Senado Sénat Congreso Policía Polícia Polizia Polizei Guardia Guarda Fuerzas Forças
    Ejército Exército Armée Esercito Servicio Serviço Servizio Comité Comitê Comitato
    Secretaría Procuraduría Fiscalía Contraloría Defensoría Superintendencia Dirección
    Direção Autoridad Autoridade Autorité Autorità Cooperativa Coopérative Sociedad
    Sociedade Société Società Gesellschaft Verband Verein Stichting Vereniging Bord
    Coimisiún Comhairle Údarás Oifig Seirbhís Jamaat Jamiat Hizb Harakat Jabhat Tehreek
    Tehrik Lashkar Muttahida Bangko Ysgol Scoil Escuela Colegio Liceo Lycée Collège
    """.split()
)
ORG_OPENERS |= FOREIGN_ORG_OPENERS

# The last word of a geographic name: "Taiwan Strait", "Amazon River".
PLACE_FEATURES = frozenset(
    """
    Strait Straits Sea Ocean River Island Islands Isles Mountains Mountain Hills Gulf Bay
    Valley Peninsula Canal Desert Lake Lakes Coast Basin Delta Plateau Channel Shoal
    Square Park Province Region Prefecture County Oblast Territory Territories Bridge
    Airport Harbour Harbor Falls Glacier Reef Archipelago Steppe Highlands Lowlands Dam
    Stadium Arena Oval Field Highway Motorway Expressway Freeway Avenue Street Boulevard Line
    Road Lane Corner Garden Gardens
    Platz Straße Strasse Allee Ufer Bahnhof Hauptbahnhof
    Quarter Point Wharf Quay Stand Grandstand Reservation
    """.split()
)

# Institutions a country has one of, named by one word: a legislature, a government's seat
# ("the Senate", "the Kremlin", "the Bundestag"). Capitalised mid-sentence, they name it.
INSTITUTIONS = frozenset(
    """
    Senate Congress Parliament Cabinet Treasury Pentagon Kremlin Bundestag Bundesrat Sejm
    Riksdag Storting Folketing Eduskunta Althing Oireachtas Knesset Majlis Rada Seimas Saeima
    Riigikogu Sabor Skupstina Verkhovna
    """.split()
)
# Two last words that make a place of a name that would otherwise read as an organisation's.
PLACE_ENDINGS = frozenset(
    {
        ("Space", "Centre"), ("Space", "Center"), ("Launch", "Complex"),
        ("Power", "Plant"), ("Power", "Station"),
    }
)  # fmt: skip

# Geographic words that open a name: "Lake Victoria", "Gulf of Mexico".
PLACE_OPENERS = frozenset(
    """
    Lake Mount Mt Gulf Sea Bay Isle Strait Cape Port Fort Highway Route River County Co
    Lough Loch
    Estadio Estádio Stadion Lago Laguna Monte Cerro Bahía Baía Puerto Plaza Praça Piazza
    Avenida Calle Río Pulau Bukit Jalan Kampung Tanjung Gunung Danau Selat Teluk Sungai
    Sungei Wadi Jebel Jabal Republika
    """.split()
)

# The last word of an event's name: "Australian Open", "World Cup".
EVENT_HEADS = frozenset(
    """
    Open Cup Games Olympics Paralympics Championship Championships Trophy Prix Summit
    Festival Awards Expo Series Tournament Marathon Biennale Week War Revolution Accords
    Index Show Airshow Fair Classic Composite Average Prize Medal Derby Rally Regatta Slam
    Carnival Jubilee Treaty Accord Agreement Act Protocol Declaration Convention
    """.split()
)
# Sports whose national governing bodies are named "<Sport> <Country>": "Athletics Kenya".
SPORTS = frozenset(
    """
    Athletics Tennis Rugby Cricket Football Soccer Netball Cycling Swimming Hockey Basketball
    Golf Rowing Sailing Boxing Gymnastics Volleyball Softball Baseball Badminton Triathlon
    Surfing Equestrian Judo Taekwondo Wrestling Archery Canoe Skiing Snowsports
    """.split()
)
# Compass words that make a region of the place they open: "Western Kenya", "Northern Gaza".
COMPASS_OPENERS = frozenset(
    "North South East West Northern Southern Eastern Western Central Upper Lower Greater".split()
)
# Words that open the name of a storm: "Cyclone Ditwah", "Typhoon Kalmaegi".
# A saint's title opens names of places, churches, schools and hospitals, not of people.
SAINTS = frozenset("St St. Saint Ste Ste. Sainte".split())
STORM_OPENERS = frozenset("Cyclone Typhoon Hurricane Storm Operation".split())
SINGLE_WORD_EVENTS = frozenset("Olympics Paralympics Brexit Ramadan Christmas Easter".split())

# Words that, with the titles from the ``nameparser`` data, make up roles ("Chief Justice",
# "Detective Inspector", "Energy Minister").
ROLE_EXTRAS = frozenset(
    """
    justice chairman chairwoman chairperson emir crown energy finance defence
    defense interior health trade home economy culture education environment transport
    industry labour labor agriculture opposition majority minority attorney secretary-general
    director-general spokesman spokeswoman spokesperson inspector superintendent constable
    """.split()
)
# Role words that say what a role is about ("Transport Minister", "Energy Secretary") but make
# none on their own: "Transport Infrastructure Ireland" is no person with a role.
ROLE_MODIFIERS = frozenset(
    """
    energy finance defence defense interior health trade home economy culture education
    environment transport industry labour labor agriculture opposition majority minority crown
    """.split()
)
# Roles held over a place, so that what names the role names a place: "Busia Governor".
TERRITORIAL_ROLES = frozenset("governor mayor premier senator councillor".split())
# Articles of other languages that open names of places and things, never of people: "La
# Guajira", "El Tiempo", "Los Angeles".
ARTICLES = frozenset("La El Los Las Le Les Il Der Die Das".split())
# Title words that also open names of things ("United", "Royal", "General Motors"): they may
# extend a role but never make one on their own.
WEAK_TITLES = frozenset(
    """
    united grand royal first state air army navy police saint st general lady father sister
    brother principal executive prime vice deputy chief foreign leader officer rep banner
    sheriff academic author activist actor actress adviser advocate analyst architect
    artist banker composer dean designer doctor editor engineer journalist lawyer model
    pilot poet producer professor singer star student teacher writer
    """.split()
) - {"professor", "doctor"}

# All-capital words that are abbreviations of things, not of organisations.
NON_ENTITY_ACRONYMS = frozenset(
    """
    AI CEO CFO COO CTO GDP TV PM AM BST GMT UTC EST PST DNA RNA IPO ETF EV EVs OK PC IT PR HR
    VAR MP MPs ID VAT VPN USB HIV AIDS COVID SUV SUVs CPI PMI LNG CO2 NFL MVP PhD MBA BBQ FAQ
    RSS URL API APP GPS LED LCD OLED PDF AGM QC KC JR SR II III IV VI VII VIII IX XI XII
    Q&A R&D M&A B&B R&B
    """.split()
)

# Possessives that belong inside a name: "European People's Party", "Women's Institute".
NAME_POSSESSIVES = frozenset(
    "People's People’s Women's Women’s Children's Children’s Men's Men’s Workers' Workers’".split()
)

# A lower-case word after a hyphen that turns a name into an adjective: "Stockholm-based".
ADJECTIVE_SUFFIXES = frozenset(
    "based born led owned backed made run style linked listed era wide bound funded "
    "controlled held registered headquartered".split()
)

# Verbs that people (rarely organisations) do, right after their name.
PERSON_VERBS = re.compile(
    r"^(?:,\swho\b|(?:,\s\d{1,3},)?\s(?:said|says|told|wrote|added|scored|won|finished|reached|argued|"
    r"insisted|warned|urged|replied|tweeted|posted|denied|admitted|claimed|recalled|"
    r"explained|smiled|laughed|insists|believes|thinks|accused|criticised|criticized|vowed|"
    r"pledged|noted|stressed|suggested|who)\b)"
)
# A government named after the person who leads it: "the Trump administration".
PERSON_GOVERNMENT_AFTER = re.compile(r"^\s(?:administration|presidency)\b")
# A person's age in commas after the name: "Duterte, 80, had argued".
AGE_AFTER = re.compile(r"^,\s\d{1,3},\s")
ORG_AFTER = re.compile(
    # A verb, then "its": "Fonterra raised its forecast", "Qantas cancelled its flights".
    r"^\s(?:has\s|had\s|will\s|would\s)?[a-z]{3,}(?:ed|s)\sits\b|"
    r"^(?:['’]s)?\s(?:said(?:\son\s[A-Z][a-z]+day)?(?:\sthat)?\sits?\b|shares\b|reported\b|"
    r"announced\sit\b|"
    r"chief\sexecutive\b|spokesperson\b|spokesman\b|spokeswoman\b)|"
    r"^,\s(?:the|a|which)\s(?:[a-z-]+\s)?(?:company|firm|group|maker|carmaker|retailer|"
    r"lender|bank|insurer|airline|start-?up|chipmaker|giant|platform|broadcaster)\b"
)
# A role word right after a name, no possessive: the name is where the person works ("Cal Fire
# chief Joe Tyler", "Shell chief executive Wael Sawan"); "Tinubu's spokesman" is not.
ORG_ROLE_AFTER = re.compile(
    r"^\s(?:chief|boss|spokesperson|spokesman|spokeswoman|chairman|chairwoman)\b"
)
ORG_BEFORE = re.compile(
    r"(?:\bshares\s(?:in|of)|\bthe\s(?:company|firm|carmaker|retailer|lender|insurer|"
    r"airline|start-?up|chipmaker|broadcaster|platform)|\brivals?|\bcompanies\ssuch\sas)\s$",
    re.IGNORECASE,
)
# Words near a name that make a company of it, where the name is also a place, a person's or
# an ordinary word ("Rio Tinto shares", "the miner Rio Tinto", "Apple's chief executive").
ORG_CONTEXT = re.compile(
    r"\b(?:shares?|stocks?|listed|compan(?:y|ies)|firms?|group|(?:car|auto|chip|drug)?makers?|"
    r"miners?|producers?|retailers?|lenders?|banks?|insurers?|airlines?|operators?|"
    r"conglomerates?|chief\sexecutive|CEO|chairman|profits?|revenues?|earnings|investors?|"
    r"subsidiary|brands?|merger|acquisition|takeover|stake|quarterly|dividends?)\b",
    re.IGNORECASE,
)
# How far around a name ORG_CONTEXT is looked for, within its sentence.
ORG_CONTEXT_REACH = 60
# Right after a name, a verb a company does as much as a person: "Rio Tinto said".
ORG_SPEECH_AFTER = re.compile(r"^(?:['’]s)?\s(?:said|says|announced|reported)\b")

# A paragraph about a game: three or more of these words, and a place that beats, draws with
# or plays another is its team ("Leinster beat Toulouse", "a win over India").
SPORT_WORDS = frozenset(
    "match matches game games season league cup coach striker goal goals scored tries wicket "
    "wickets innings final semi-final quarter-final champions squad fixture half-time stadium "
    "fans club victory defeat beat drew relegation playoff playoffs tournament captain".split()
)
SPORT_WORDS_NEEDED = 3
TEAM_BEFORE = re.compile(
    r"\b(?:beat|beating|defeated|defeating|against|versus|vs\.?|lost\sto|drew\swith|"
    r"draw\swith|win\sover|victory\sover|defeat\sto|loss\sto|hosts?|hosted|faces?|faced)"
    r"\s(?:the\s)?$"  # "beat the Wallabies"
)
TEAM_AFTER = re.compile(
    r"^(?:['’]s\s(?:win|victory|defeat|loss|coach|manager|captain|squad|players?|fans|"
    r"striker|goalkeeper|fly-half|scrum-half|head\scoach)\b|"
    # "Leinster coach Leo Cullen", "Yorkshire head coach Anthony McGrath"
    r"\s(?:head\s)?(?:coach|manager|captain|striker|goalkeeper)\s[A-Z]|"
    r"\s(?:beat|defeated|drew|lost|won|thrashed|edged|host|hosted|face|faced|play|played)\b|"
    # "his Ireland squad", "the India side"
    r"\s(?:squad|side|XV|XI)\b)"
)

# Prepositions of place before a name: they let smaller towns count ("near Sukkur").
LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|from|outside|at|to|across|towards?)\s(?:the\s)?$")

# Around a name that no list knows, the words that make a place of it: a preposition of place
# or "the town of" before it ("homes above Malibu", "west of Shetland"), or a geographic noun
# after it ("the Amhara region", "the Jackdaw gas field"). Not "at", "from" or "to": people
# work at, hear from and sell to organisations as often as they go to places.
PLACE_CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:in|near|outside|above|below|along|around|across|towards?|into|through|beyond|"
    r"beside|via)"
    r"\s(?:the\s)?"
    r"|\b(?:town|village|city|region|province|district|county|island|port|suburb|state|"
    r"coast|shores?|outskirts|residents|inhabitants|people|citizens|mayor|governor|"
    r"streets|hills|slopes|banks|edge|heart|suburbs|canton|parish)\sof\s"
    r"|\b(?:north|south|east|west)(?:-?(?:east|west))?\sof\s"
    # Where a journey ends or a person comes from: "flights to Lukla", "a farmer from X".
    r"|\b(?:flights?|trains?|line|road|route|ferr(?:y|ies)|trip|journey|travel(?:led|ed)?|"
    r"moved|fled|evacuated|returned|relocated|sailed|flew|drove|headed|heading|climb)\sto\s"
    # Where works are, or a river's mark: "mines at Rocanville", "the danger mark at Dhubri".
    r"|\b(?:mines?|plants?|factor(?:y|ies)|fab|smelters?|refiner(?:y|ies)|ports?|terminals?|"
    r"shore|bases?|camps?|sites?|airports?|depots?|docks?|yards?|mark|"
    r"wells?|fields?|checkpoint)\s(?:at|near)\s"
    r"|\b(?:farmers?|residents?|villagers?|families|family|refugees?|migrants?|natives?|"
    r"wom[ae]n|m[ae]n|boys?|girls?|teenagers?|students|pupils|children|child|people|fans|"
    r"voters|fishermen|pilgrims|delegation|youths?)\sfrom\s)$",
    re.IGNORECASE,
)
# A plural noun after a name makes the name its modifier, not the place a preposition
# points to: "in Wayuu communities", "in U.S. Steel plants".
MODIFIED_NOUN_AFTER = re.compile(
    r"^\s(?!(?:is|was|has|does|says|as|its|this|thus|plus)\b)[a-z]{2,}s\b"
    r"|^\s\d"  # a number after it makes a designation: "in Game 7", "at Block 473"
)
PLACE_CONTEXT_AFTER = re.compile(
    r"^\s(?:region|province|district|county|valley|river|delta|basin|peninsula|island|"
    r"gas\sfield|oil\s?field|field|mine|site|plant|factory|municipality|prefecture|"
    r"governorate|township|village|neighbou?rhood|islet|atoll|lagoon|station|terminal|"
    r"councillor|councilman|councilwoman|residents|villagers|constituency|crossing|junction|"
    r"intersection|roundabout|interchange|"
    # Several of a kind after a list: "the Surma and Kushiyara rivers".
    r"rivers|lakes|islands|districts|provinces|regions|counties|valleys|villages|towns|"
    # A named place's works: "the Daboase treatment plant", "the Ülemiste passenger terminal".
    r"(?:treatment|power|water|passenger|ferry|bus|railway|rail|train|police|fire|border)\s"
    r"(?:plant|station|terminal|post|crossing)|"
    # An oil field's or a mine's works: "the Isflak discovery", "the Porgera gold mine".
    r"(?:gold|copper|lithium|coal|iron|uranium|nickel|cobalt|diamond|oil|gas|export|"
    r"container|LNG)\s(?:mines?|terminals?|ports?|projects?|deposits?|refinery|smelter)|"
    r"mines|discovery|deposits?|refinery|refineries|smelter|shaft)\b"
)
# Around a name that no list knows, the words that make an organisation of it: what it is,
# right before or after it ("the newspaper El Tiempo", "the IG Metall union", "the national
# weather service, Senamhi"), a post in it ("chairman of Seven Summit Treks") or the people
# it employs ("analysts at Jefferies").
ORG_NOUN_BEFORE = re.compile(
    r"(?:\b(?:newspaper|daily|broadcaster|journal|magazine|agency|airline|carrier|union|party|"
    r"company|firm|regulator|operator|utility|insurer|lender|watchdog|service|station|"
    r"channel|network|club|outlet|tabloid|conglomerate|investor|chipmaker|carmaker|automaker|"
    r"drugmaker|miner|bottler|group|fund|grocer|retailer|supermarket|manufacturer|exporter|"
    r"importer|brokerage|consultancy|start-?up|refiner|shipper|"
    r"shipbuilder|cooperative|charity|pollster),?\s"
    # "Nijmegen-based Nexperia": what a place's adjective goes before is based there.
    r"|\w-based\s"
    r"|\b(?:built|operated|owned|run|developed|manufactured|financed|funded|acquired|"
    r"bought|backed)\sby\s"
    r"|\bpublished\sin\s(?:the\s)?"
    r"|\b(?:chairman|chairwoman|chair|chief\sexecutive|head|director|founder|co-founder|"
    r"boss|owner|spokesman|spokeswoman|spokesperson|members?|shareholders?|employees?|"
    r"staff|executives?)\sof\s(?:the\s)?"
    r"|\b(?:analysts?|economists?|strategists?|researchers?|scientists?|engineers?|"
    r"employees?|executives?)\s(?:at|with)\s)$",
    re.IGNORECASE,
)
# What a name is, said in apposition after it: "Transnet, the state-owned rail and ports group",
# "Kazatomprom, the world's largest uranium producer", "Parcelyte, a Singapore start-up". Not a
# possessive ("Kamau, the union's leader" is a person), and the noun ends the phrase ("a town
# planner" is no town).
_APPOSITION = (
    r"^,\s(?:the|a|an)\s(?:[\w’'&-]+\s){{0,5}}?(?:{nouns})"
    r"(?=[,.;:)]|\s(?:of|in|on|at|near|that|which|where|whose|with|based|known|owned|run|led|"
    r"[a-z]+ing)\b)"
)
ORG_APPOSITION = re.compile(
    _APPOSITION.format(
        nouns="company|firm|group|maker|carmaker|retailer|lender|bank|insurer|airline|carrier|"
        "start-?up|chipmaker|giant|platform|broadcaster|producer|operator|miner|exporter|"
        "importer|developer|manufacturer|supplier|distributor|utility|conglomerate|"
        "cooperative|co-?op|union|federation|association|regulator|watchdog|agency|charity|"
        "foundation|club|party|newspaper|outlet|network|chain|grocer|supermarket|consortium|"
        "subsidiary|brokerage|publisher|studio|label|fund|investor|owner|authority|office|body|"
        "board|bureau|ministry|department|council|commission|court|tribunal|institute|"
        "university|hospital|school|museum|service|pollster"
    )
)
PLACE_APPOSITION = re.compile(
    _APPOSITION.format(
        nouns="town|village|city|suburb|district|neighbou?rhood|island|islet|atoll|region|"
        "province|port|resort|hamlet|municipality|county|township|settlement|enclave|"
        "archipelago|peninsula|valley"
    )
)
# A name placed by the place after it: "a station at Sodankylä, in Lapland".
PLACE_IN_AFTER = re.compile(r"^,\s(?:in|near)\s[A-ZÀ-Þ]")
# Examples of a kind, after the kind in the plural: "couriers such as Purolator", "crushers
# including Cargill", "hill stations such as Munnar", "members include Sealord".
_EXAMPLES_OF = r"\b(?:{nouns})(?:,?\s(?:such\sas|including|like)|\sinclude)\s$"
ORG_EXAMPLES_BEFORE = re.compile(
    _EXAMPLES_OF.format(
        nouns="companies|firms|groups|banks|lenders|insurers|brands|retailers|carriers|"
        "airlines|couriers|investors|crushers|exporters|importers|producers|manufacturers|"
        "makers|carmakers|automakers|miners|rivals|clubs|teams|unions|charities|"
        "organi[sz]ations|agencies|operators|suppliers|platforms|start-?ups|outlets|"
        "broadcasters|newspapers|publishers|studios|labels|funds|utilities|giants|"
        "conglomerates|sponsors|bidders|competitors|members|shareholders|customers|clients|"
        "partners|buyers|chains|supermarkets|grocers|developers|contractors|traders|refiners|"
        "cooperatives|backers"
    ),
    re.IGNORECASE,
)
PLACE_EXAMPLES_BEFORE = re.compile(
    _EXAMPLES_OF.format(
        nouns="towns|cities|villages|areas|districts|regions|provinces|states|countries|"
        "destinations|resorts|islands|stations|ports|suburbs|neighbou?rhoods|hubs|places|"
        "locations|communities|municipalities|counties|capitals"
    ),
    re.IGNORECASE,
)
# A post in an organisation right after its name, then the holder's: "Untu general secretary
# Sipho Mahlangu", "Ocesa president Ana Ruiz".
ORG_POST_AFTER = re.compile(
    r"^\s(?:general\ssecretary|secretary-general|president|chairman|chairwoman|chair|"
    r"chief\sexecutive|CEO|founder|boss|director|head|spokes(?:man|woman|person))\s[A-ZÀ-Þ]"
)

# A news agency's name in brackets after a dateline: "NAIROBI, June 3 (Reuters) -".
AGENCY_AFTER_DATELINE = re.compile(r"^\)\s[-—–]")
ORG_NOUN_AFTER = re.compile(
    r"^\s(?:union|newspaper|daily|broadcaster|party|airline|carrier|group|company|bank|"
    r"agency|network|magazine|journal|club|utility|regulator|watchdog|survey|poll|"
    # With what kind it is between: "the Foxtrot criminal network".
    r"(?:criminal|armed|rebel|militant|drug|crime)\s(?:network|gang|group|cartel|organi[sz]ation))\b"
)

# What follows a dateline's place at the start of a paragraph: a state or country, a date, the
# agency, a dash ("TOLEDO, Ohio (AP) —", "Oslo, 12 March –", "Manila, Nov 9:").
_DATELINE_AFTER = (
    r"(?:,\s[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})?"
    r"(?P<date>,?\s(?:[A-Z][a-z]{2,8}\.?\s\d{1,2}|\d{1,2}\s[A-Z][a-z]{2,8}))?"
    r"(?P<agency>\s\([^()\n]{1,40}\))?"
    r"\s?[-—–:]\s"
)

# A paragraph's whole dateline, up to where its first sentence starts.
DATELINE = re.compile(rf"(?P<place>[A-ZÀ-Þ][^\n,(—–-]{{0,40}}?){_DATELINE_AFTER}")

# Whole paragraphs that are page furniture rather than article text.
BOILERPLATE_PARAGRAPH = re.compile(
    r"^(?:end\sof\s(?:article|story)|with\s(?:inputs|input|reporting)\sfrom\b.*|"
    r"advertisement|read\smore\b.*|also\sread\b.*|follow\sus\b.*|sign\sup\b.*|"
    r"subscribe\b.*|share\sthis\b.*|click\shere\b.*|related\b.*|(?:©|copyright)\b.*)$",
    re.IGNORECASE,
)
