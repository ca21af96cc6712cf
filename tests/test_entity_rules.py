"""One row per rule of the default extractor: a sentence it must fire on, and one it must not.

Each rule is named as in ``store/entities/rules.py``, ``tokens.py``, ``context.py``,
``teams.py`` and ``aliases.py``; a row says which mention (text, label) the sentence must or
must not yield. The sentences are made up for the rule, not taken from the evaluation sets.
"""

from __future__ import annotations

import pytest

from store import entities
from store.models import Mention

Row = tuple[str, str, str, str]
"""(rule, sentence, mention text, label)."""

FIRES: list[Row] = [
    ("listed company", "Engineers at Nvidia built the chip.", "Nvidia", "ORG"),
    ("listed institution", "The report was sent to Interpol on Monday.", "Interpol", "ORG"),
    ("listed word mid-sentence", "Analysts said Shell would sell the field.", "Shell", "ORG"),
    ("listed word, company context", "Apple unveiled a phone; its shares rose.", "Apple", "ORG"),
    ("listed place, company context", "Shares in Rio Tinto fell sharply.", "Rio Tinto", "ORG"),
    ("listed place that speaks", "Toyota said the plant would close.", "Toyota", "ORG"),
    ("ends with an organisation", "The Kenya Red Cross sent boats.", "Kenya Red Cross", "ORG"),
    ("two names: known first", "Ford and General Motors cut jobs.", "General Motors", "ORG"),
    ("two names: known place", "Flights to Ottawa and Mexico City resumed.", "Mexico City",
     "PLACE"),
    ("two names: legal form", "Prasarana and SMRT Corp agreed.", "SMRT Corp", "ORG"),
    ("two names: whole name first", "Yeti Airlines and Tara Air cancelled.", "Yeti Airlines",
     "ORG"),
    ("cue word: Air", "Flights by Tara Air were cancelled.", "Tara Air", "ORG"),
    ("cue word: Community", "The Economic Community of West African States met.",
     "Economic Community of West African States", "ORG"),
    ("cue word: Highway", "Police closed the Stuart Highway overnight.", "Stuart Highway", "PLACE"),
    ("an organisation after 'of'", "Members of the European People's Party voted.",
     "European People's Party", "ORG"),
    ("role after the name", "Cal Fire chief Joe Tyler spoke.", "Cal Fire", "ORG"),
    ("middle initial and suffix", "Robert F. Kennedy Jr. spoke.", "Robert F. Kennedy Jr.",
     "PERSON"),
    ("initial first", "Agency chairman V. Narayanan spoke.", "V. Narayanan", "PERSON"),
    ("the The of a place", "Judges in The Hague ruled.", "The Hague", "PLACE"),
    ("OPEC+", "Oil rose after OPEC+ agreed to cut output.", "OPEC+", "ORG"),
    ("possessive inside a name", "The European People's Party voted.",
     "European People's Party", "ORG"),
    ("sentence-initial speaker", "Aliko Dangote said the refinery was ready.", "Aliko Dangote",
     "PERSON"),
    ("lower-case role before", "Tinubu's spokesman, Bayo Onanuga, told reporters.",
     "Bayo Onanuga", "PERSON"),
    ("who after the name", "Former leader Evo Morales, who founded the party, spoke.",
     "Evo Morales", "PERSON"),
    ("small town in a list of places", "Cuts in Zwickau and Emden, the carmaker said.", "Emden",
     "PLACE"),
    ("region WordNet calls a country", "Climbers crossed into Tibet on foot.", "Tibet", "PLACE"),
    ("a nationality opens the name", "Staff at the Brazilian Vale Verde mine left.",
     "Brazilian Vale Verde", "ORG"),
    ("team: 'beat the' X", "The Sharks beat the Stormers 24-10 in the league final after a "
     "tense game.", "Stormers", "ORG"),
    ("team: X coach Name", "Munster coach Graham Rowntree said the defeat in the league final "
     "was a lesson for the club.", "Munster", "ORG"),
    ("team: a place and a nickname", "Fans of the Kansas City Chiefs filled the stadium for "
     "the final game of the season.", "Kansas City Chiefs", "ORG"),
    ("initials first", "Shipping firm boss K.T. Rama quit.", "K.T. Rama", "PERSON"),
    ("said on a day it", "Zantrio said on Monday it would cut jobs.", "Zantrio", "ORG"),
    ("a cue word opens the sentence", "Rivals Hartwell Logistics Services and Zenda report "
     "next week.", "Hartwell Logistics Services", "ORG"),
    ("world region", "Trade with Central Asia doubled.", "Central Asia", "PLACE"),
    ("a place that is a word, after 'in the'", "Ice thinned in the Arctic again.", "Arctic",
     "PLACE"),
    ("unknown name: a preposition of place", "Mud buried the road above Tarvino overnight.",
     "Tarvino", "PLACE"),
    ("unknown name: a geographic noun after", "The Keruma region reported new cases.",
     "Keruma", "PLACE"),
    ("unknown name: what it is, before or after", "Talks with the Varda union broke down.",
     "Varda", "ORG"),
    ("unknown name: a post in it", "Dawa Lama, chairman of Himal Peak Treks, spoke.",
     "Himal Peak Treks", "ORG"),
    ("unknown name: the people it employs", "Analysts at Jefferies expect a cut.", "Jefferies",
     "ORG"),
    ("unknown name: an agency after a dateline", "NAIROBI, June 3 (Reuters) - Rates held.",
     "Reuters", "ORG"),
    ("unknown name: an ordinary word in it", "A report by Coastal Rights Watch found abuses.",
     "Coastal Rights Watch", "ORG"),
    ("unknown name: no ordinary word in it", "A report by Abdourahamane Tiani found abuses.",
     "Abdourahamane Tiani", "PERSON"),
    ("a rare given name that is a word", "Fans cheered the Blue Herons all night.",
     "Blue Herons", "ORG"),
    ("sentence-initial name that is no word", "Shohei Ohtani went two for five.",
     "Shohei Ohtani", "PERSON"),
    ("a person's team or employer after 'of'", "Max Verstappen of Red Bull won.", "Red Bull",
     "ORG"),
    ("a guessed person the article calls an organisation", "Saudi Aramco will cut prices. "
     "Aramco chief executive Amin Nasser said so.", "Saudi Aramco", "ORG"),
    ("a word that names no kind of person makes no role", "It came after the collapse of "
     "Credit Suisse last year.", "Credit Suisse", "ORG"),
    ("a weak role before what can only be a person", "The junta's leader, General "
     "Abdourahamane Tiani, spoke.", "Abdourahamane Tiani", "PERSON"),
    ("a dateline", "Tallinn, Dec 30 – The navy sailed.", "Tallinn", "PLACE"),
    ("a capital of Latin Extended", "Trains link Warsaw with Łódź daily.", "Łódź", "PLACE"),
    ("a nationality, then a person", "Ethiopian Tadese Takele won.", "Tadese Takele", "PERSON"),
    ("a frequent given name second", "Glaciologist Lucas Ruiz said so.", "Lucas Ruiz",
     "PERSON"),
    ("two names: 'and the'", "Staff at the University of Tarnow and the Baltic Weather "
     "Institute agreed.", "Baltic Weather Institute", "ORG"),
    ("two names: a brand first", "FirstRand and Standard Bank rose.", "Standard Bank", "ORG"),
    ("a storm", "Cyclone Ditwah hit the coast.", "Cyclone Ditwah", "OTHER"),
    ("cue word: Consortium", "Oil flows through the Caspian Pipeline Consortium.",
     "Caspian Pipeline Consortium", "ORG"),
    ("cue word: Arena", "Fans packed Rod Laver Arena.", "Rod Laver Arena", "PLACE"),
    ("unknown name: published in it", "The study was published in Nature Geoscience.",
     "Nature Geoscience", "ORG"),
    ("unknown name: the people of a place", "Residents of Tarvino left.", "Tarvino", "PLACE"),
    ("one body of two fields", "The Ministry of Water and Irrigation said so.",
     "Ministry of Water and Irrigation", "ORG"),
    ("a branch or governing body named by its country", "Athletics Kenya named the team.",
     "Athletics Kenya", "ORG"),
    ("a person's name that is a place the article names", "HAI PHONG, Vietnam, July 2 — "
     "Output at the factory in Hai Phong fell.", "Hai Phong", "PLACE"),
    ("a compass word before a known place", "Tourists like Western Kenya.", "Western Kenya",
     "PLACE"),
    ("a guessed person that opens a longer name", "The Tarvino Keruma Glacier shrank, and "
     "scientists said Tarvino Keruma would vanish.", "Tarvino Keruma", "PLACE"),
    ("unknown name: built or owned by it", "The pipeline will be built by Naftavia.",
     "Naftavia", "ORG"),
    ("unknown name: where a journey ends", "Flights to Lukla were cancelled.", "Lukla",
     "PLACE"),
    ("unknown name: where a person comes from", "said Ana Lopez, a farmer from Wiskitki.",
     "Wiskitki", "PLACE"),
    ("unknown name opened by a place's name", "The contract went to Balfour Beatty, the "
     "builder.", "Balfour Beatty", "ORG"),
    ("a sentence starts after a dateline", "KATHMANDU, May 2 — Climbers Tarvino Keruma said "
     "so.", "Tarvino Keruma", "PERSON"),
    ("a role's possessive inside a name", "Officials at the Attorney General's Office met.",
     "Attorney General's Office", "ORG"),
    ("police ranks are roles", "Detective Inspector Claire Hughes said so.", "Claire Hughes",
     "PERSON"),
    ("a sentence opens with an organisation's ordinary words", "Human Rights Watch welcomed "
     "the ruling.", "Human Rights Watch", "ORG"),
    ("a sentence opens with a place that is no word", "Pennsylvania Governor Josh Shapiro "
     "spoke.", "Pennsylvania", "PLACE"),
    ("team: X head coach Name", "Yorkshire head coach Anthony McGrath said the side lost the "
     "match, the game and the final.", "Yorkshire", "ORG"),
    ("a list's place before the guess", "Buses ran between Marina Bay and Tanjong Rhu "
     "stations.", "Tanjong Rhu", "PLACE"),
    ("a role modifier makes no role alone", "Transport Infrastructure Ireland will fund it.",
     "Transport Infrastructure Ireland", "ORG"),
    ("cue word: Properties", "The developer, Glenveagh Properties, said so.",
     "Glenveagh Properties", "ORG"),
    ("a place of two words opens it", "Fans cheered the San Diego Padres.", "San Diego Padres",
     "ORG"),
    ("an acronym with '&'", "Shares of AT&T rose.", "AT&T", "ORG"),
    ("two names: an organisation of 'of' first", "Staff at the University of Oxford and "
     "Curtin University met.", "Curtin University", "ORG"),
    ("Greater before a place", "Officials said Greater Lagos faces floods.", "Greater Lagos",
     "PLACE"),
    ("a space centre is a place", "Rockets left the Guiana Space Centre.",
     "Guiana Space Centre", "PLACE"),
    ("a month that is a given name", "Union president Jan Simpson said the offer was low.",
     "Jan Simpson", "PERSON"),
    ("people of a cause", "The group Friends of the Irish Environment appealed.",
     "Friends of the Irish Environment", "ORG"),
    ("cue word: Line", "Trains on the Thomson-East Coast Line stopped.",
     "Thomson-East Coast Line", "PLACE"),
    ("a numbered road", "Fires burned along Highway 8 overnight.", "Highway 8", "PLACE"),
    ("a US state as the AP writes it", "Officials in Trenton, N.J., said so.", "N.J.",
     "PLACE"),
    ("a surname takes back its particles", "Alex de Minaur won. De Minaur will meet Carlos "
     "Alcaraz. Later de Minaur said so.", "de Minaur", "PERSON"),
    ("a weak role of a field and a post", "Senate Majority Leader John Thune spoke.",
     "John Thune", "PERSON"),
    ("a city and a plural make no person", "Fans watched the Denver Nuggets play.",
     "Denver Nuggets", "ORG"),
    ("cue word: Renewables", "Bellwether Renewables said so.", "Bellwether Renewables", "ORG"),
    ("a plural possessive inside a name", "Talks with the National Farmers' Union broke "
     "down.", "National Farmers' Union", "ORG"),
    ("a company's abbreviation keeps its dot", "Shares of Toyota Motor Corp. rose.",
     "Toyota Motor Corp.", "ORG"),
    ("an accented given name", "Zoë Ball spoke.", "Zoë Ball", "PERSON"),
    ("particles are no ordinary words", "A report by Koos van der Merwe found abuses.",
     "Koos van der Merwe", "PERSON"),
    ("an institution named by one word", "The bill passed the Senate on Friday.", "Senate",
     "ORG"),
    ("a list's place spreads to a word that could be a place's", "Alerts went out for Mumbai, "
     "Thane and Raigad.", "Raigad", "PLACE"),
    ("a role held over a place", "Floods rose. Busia Governor Paul Otuoma said so.", "Busia",
     "PLACE"),
    ("'St.' opens a place's name", "Workers in St. Charles struck.", "St. Charles", "PLACE"),
    ("a month after a given name is a surname", "Theresa May said so.", "Theresa May",
     "PERSON"),
    ("a power plant is a place", "Staff at the Zaporizhzhia Nuclear Power Plant left.",
     "Zaporizhzhia Nuclear Power Plant", "PLACE"),
    ("cue word: Road", "Traffic on Otley Road stopped.", "Otley Road", "PLACE"),
    ("a company's short name without 'and Company'", "Shares of Eli Lilly rose.", "Eli Lilly",
     "ORG"),
    ("a name ending in a country is no person's", "Fishing firm Moana New Zealand said so.",
     "Moana New Zealand", "ORG"),
    ("a regnal number after a role", "Pope Leo XIV spoke.", "Leo XIV", "PERSON"),
    ("a company's trade ends its name", "Bellwether Construction said so.",
     "Bellwether Construction", "ORG"),
    ("any given name before no ordinary words, after a weak role", "Senate Minority Leader "
     "Chuck Schumer said so.", "Chuck Schumer", "PERSON"),
    ("cue word: Airshow", "Deals at the Dubai Airshow rose.", "Dubai Airshow", "OTHER"),
    ("a product's model", "Emirates ordered 20 Airbus A321neo jets.", "Airbus A321neo",
     "OTHER"),
    ("unknown name: an organisation in apposition", "Strikes hit Varnet, the state-owned "
     "rail and ports group, on Monday.", "Varnet", "ORG"),
    ("unknown name: a place in apposition", "Floods reached Tulvani, a small fishing town, "
     "overnight.", "Tulvani", "PLACE"),
    ("unknown name: examples of organisations", "Couriers such as Presko gained customers.",
     "Presko", "ORG"),
    ("unknown name: examples of places", "Hill stations such as Morvani were shut.", "Morvani",
     "PLACE"),
    ("unknown name: a post after it", "Untavi general secretary Sipho Dlamini spoke.", "Untavi",
     "ORG"),
    ("unknown name: the place it is in", "A station at Korvalla, in Lapland, measured it.",
     "Korvalla", "PLACE"),
    ("unknown name: a station or terminal after", "Trains stopped at the Velmore station.",
     "Velmore", "PLACE"),
    ("foreign institution word first", "Officials said the Banco de Portugal would wait.",
     "Banco de Portugal", "ORG"),
    ("Irish article before a body's name", "He appealed to An Bord Soláthair on Monday.",
     "An Bord Soláthair", "ORG"),
    ("hyphenated foreign movement", "Supporters of Tehreek-e-Labbaik marched.",
     "Tehreek-e-Labbaik", "ORG"),
    ("foreign geographic word first", "Fans filled the Estadio Olímpico Atahualpa.",
     "Estadio Olímpico Atahualpa", "PLACE"),
    ("foreign legislature last", "The Rajya Sabha passed the bill.", "Rajya Sabha", "ORG"),
    ("a body's fields listed with commas", "The Ministry of Agriculture, Forestry and "
     "Fisheries said.", "Ministry of Agriculture, Forestry and Fisheries", "ORG"),
    ("one body of two fields, qualified", "The Global Federation of Miners and Metal Workers "
     "said.", "Global Federation of Miners and Metal Workers", "ORG"),
    ("unknown name: a government named after its leader", "The Malvane administration "
     "appealed.", "Malvane", "PERSON"),
    ("River opens a place", "Flooding on the River Tervane closed roads.", "River Tervane",
     "PLACE"),
    ("Garden ends a place", "Fans at Corvel Square Garden cheered.", "Corvel Square Garden",
     "PLACE"),
    ("an elided d' inside a name", "Cocoa from Côte d'Ivoire rose.", "Côte d'Ivoire", "PLACE"),
    ("a listed name with its 's", "Ratings agency Moody's cut its outlook.", "Moody's", "ORG"),
    ("a title with a prefix", "Co-director Namita Gokhale spoke.", "Namita Gokhale", "PERSON"),
    ("foreign street or square last", "Crowds filled Tervaner Platz.", "Tervaner Platz", "PLACE"),
    ("foreign company tail", "Lawyers at Corvi Associati said so.", "Corvi Associati", "ORG"),
    ("a stock index's head", "The Veltra Composite rose 1%.", "Veltra Composite", "OTHER"),
    ("ordinary words with a plural open a sentence", "Federated Growers said prices fell.",
     "Federated Growers", "ORG"),
    ("unknown name: a verb, then its", "Korvanta raised its forecast.", "Korvanta", "ORG"),
    ("no person after 'the'", "Runs for the Grey Herons, who lost, came late.", "Grey Herons",
     "ORG"),
    ("team: a country that plays", "Ireland beat Wales 24-10 in the league final after a "
     "tense game.", "Ireland", "ORG"),
    ("a prize, treaty or law's head", "The Corvane Prize went to her under the Velmor "
     "Treaty.", "Corvane Prize", "OTHER"),
    ("unknown name: an age after it", "Lawyers for Korvane, 80, argued.", "Korvane",
     "PERSON"),
    ("Co or County opens a place", "Homes on the edge of Tervik, Co Galway, flooded.",
     "Co Galway", "PLACE"),
    ("foreign company word last", "Output at Korvik Energi rose.", "Korvik Energi", "ORG"),
    ("Secretariat heads a body", "The State Secretariat for Trade said so.",
     "State Secretariat for Trade", "ORG"),
    ("unknown name: people from it", "A woman from Tervalla was hurt.", "Tervalla", "PLACE"),
    ("unknown name: several of a kind after a list", "Water from the Korva and Melvane "
     "rivers rose.", "Melvane", "PLACE"),
    ("unknown name: a crossing or works after it", "Commuters waited at the Tarvane "
     "crossing.", "Tarvane", "PLACE"),
    ("unknown name: beside it", "The ground opens beside the Orvane.", "Orvane", "PLACE"),
    ("a person's name where a place goes", "A car was swept away near Al Tarvan in Oman.",
     "Al Tarvan", "PLACE"),
    # "Lujan" is a town's name, so "Lujan Grisham" alone reads as an organisation.
    ("the end of a person's full name", "Gov. Ana Lujan Grisham spoke. Lujan Grisham said "
     "troops were coming.", "Lujan Grisham", "PERSON"),
    ("Lough or Loch opens a place", "Algae coated Lough Tarvane again.", "Lough Tarvane",
     "PLACE"),
    ("Operation opens an OTHER", "Police began Operation Tarvane on Monday.",
     "Operation Tarvane", "OTHER"),
    ("a school's word opens its name", "Pupils at Ysgol Tarvane went home.", "Ysgol Tarvane",
     "ORG"),
    ("a district's or a works' word ends a place", "Crowds filled the Tarvane Quarter.",
     "Tarvane Quarter", "PLACE"),
    ("a saint's name is no person's", "Voters in St Tarvan queued.", "St Tarvan", "PLACE"),
    ("a saint's possessive inside a name", "Patients at St Tarvan's Hospital waited.",
     "St Tarvan's Hospital", "ORG"),
    ("a nationality before a place", "Drilling in the Norwegian Arctic grew.", "Arctic",
     "PLACE"),
    ("an industry's word ends a company's name", "Ulsan Shipbuilding, Japan's rival, took "
     "control.", "Ulsan Shipbuilding", "ORG"),
    ("a company's first word alone", "Tarvex Semiconductor will sell. Tarvex, based in "
     "Hsinchu, said so.", "Tarvex", "ORG"),
    ("a known place and City", "Crowds filled Iloilo City on Sunday.", "Iloilo City",
     "PLACE"),
    ("an Arabic article inside a name", "Resident Hamood al-Tarvi said the wadi rose.",
     "Hamood al-Tarvi", "PERSON"),
    ("unknown name: a preposition of place before a guess", "A complex at Tarvo Elmesh "
     "rose.", "Tarvo Elmesh", "PLACE"),
    ("unknown name: works at it", "Mines at Tervanne will run.", "Tervanne", "PLACE"),
    ("unknown name: what it is, in one word before", "Agribusiness group Korvex owns a "
     "terminal.", "Korvex", "ORG"),
    ("unknown name: a place's -based before it", "The Nijmegen-based Korvex makes chips.",
     "Korvex", "ORG"),
    ("unknown name: a criminal network after it", "It was run by the Varnek criminal network.",
     "Varnek", "ORG"),
    ("unknown name: via it, or a part of it", "A pipeline via Tervanne opened near the hills "
     "of Korvalle.", "Korvalle", "PLACE"),
    ("unknown name: said that it", "Korvex said on Thursday that its field had peaked.",
     "Korvex", "ORG"),
    ("unknown name: an apposition that goes on", "Korvex, the Swedish start-up building a "
     "plant, raised money.", "Korvex", "ORG"),
    ("unknown name: a survey or poll after it", "A Korvex survey put him ahead.", "Korvex",
     "ORG"),
    ("unknown name: a mine or a field's works after it", "Soldiers went to the Tervan gold "
     "mine.", "Tervan", "PLACE"),
    ("team: a country's squad", "Coach Tom Reilly named four new players in his Ireland squad "
     "for the league final after the season's last match.", "Ireland", "ORG"),
    ("unknown name: a compass word opens it", "Islanders on South Tervaig were cut off.",
     "South Tervaig", "PLACE"),
    ("other languages' small words inside a name", "The Ministerio de Ciencia y Tecnología "
     "said so.", "Ministerio de Ciencia y Tecnología", "ORG"),
    ("foreign institution word inside", "Engineers from the Technische Universität Korvel "
     "said so.", "Technische Universität Korvel", "ORG"),
    ("a legal form with its dot ends a name", "The sale was advised by Korvex & Co.",
     "Korvex & Co", "ORG"),
    ("a sentence's ordinary word is no organisation", "It was approved. Acting chief executive "
     "Liz Korvane said so.", "Liz Korvane", "PERSON"),
]  # fmt: skip

DOES_NOT_FIRE: list[Row] = [
    ("listed company", "Officials in Lyon met on Monday.", "Lyon", "ORG"),
    ("listed institution", "Congress met. The army said so.", "The army", "ORG"),
    ("listed word mid-sentence", "Shell fragments lay on the beach.", "Shell", "ORG"),
    ("listed word, company context", "Apple trees flowered early this spring.", "Apple", "ORG"),
    ("listed place, company context", "The Rio Tinto river runs red.", "Rio Tinto", "ORG"),
    ("listed place that speaks", "Workers at a plant in Toyota said no.", "Toyota", "ORG"),
    ("ends with an organisation", "Kenya said the floods were over.", "Kenya", "ORG"),
    ("two names: known first", "Shares of Marks and Spencer Group rose.", "Marks", "ORG"),
    ("two names: known place", "The Bosnia and Herzegovina team won.", "Bosnia", "PLACE"),
    ("two names: legal form", "Shares in Hartwell & Quince Ltd rose.", "Quince Ltd", "ORG"),
    ("two names: whole name first", "The Securities and Exchange Commission sued.",
     "Exchange Commission", "ORG"),
    ("cue word: Air", "Officials said the Air was clear.", "Air", "ORG"),
    ("cue word: Community", "Villagers in the community were evacuated.", "community", "ORG"),
    ("cue word: Highway", "Rescuers on the highway found them.", "highway", "PLACE"),
    ("an organisation after 'of'", "Officials at the Bank of England met.", "England", "PLACE"),
    ("role after the name", "Bola Tinubu's spokesman said so.", "Bola Tinubu", "ORG"),
    ("middle initial and suffix", "They chose Plan B. Then they left.", "Plan B.", "PERSON"),
    ("initial first", "They waited at Gate B. Police said it was safe.", "B. Police", "PERSON"),
    ("the The of a place", "The Danube rose overnight.", "The Danube", "PLACE"),
    ("OPEC+", "Developers still write C++ at night.", "C++", "ORG"),
    ("possessive inside a name", "Takaichi's party won in Tokyo.", "Takaichi's", "PERSON"),
    ("sentence-initial speaker", "Médecins Sans Frontières said its clinics were full.",
     "Médecins Sans Frontières", "PERSON"),
    ("lower-case role before", "He was governor of La Guajira, Hernando Ruiz, who denied it.",
     "La Guajira", "PERSON"),
    ("who after the name", "Crowds in Los Angeles Dodgers, who won, cheered.",
     "Los Angeles Dodgers", "PERSON"),
    ("small town in a list of places", "Zwickau and Emden, the carmaker said.", "Emden",
     "PERSON"),
    ("region WordNet calls a country", "Officials in Tibet said so.", "Tibet", "ORG"),
    ("a nationality opens the name", "French President Emmanuel Macron spoke.",
     "French President Emmanuel Macron", "ORG"),
    ("team: 'beat the' X", "The voters beat the Hendersons in the poll on Monday.",
     "Hendersons", "ORG"),
    ("team: X coach Name", "Munster coach operators said fares would rise.", "Munster", "ORG"),
    ("team: a place and a nickname", "Georgia Evans scored twice as the club won the cup final "
     "and the league title this season.", "Georgia Evans", "ORG"),
    ("initials first", "He watched the U.S. Open in New York.", "U.S. Open", "PERSON"),
    ("said on a day it", "Okafor said on Monday he would cut jobs.", "Okafor", "ORG"),
    ("a cue word opens the sentence", "Hartwell Logistics Services said it would grow.",
     "Logistics Services", "ORG"),
    ("world region", "The Central Asia Institute said it would help.", "Central Asia", "PLACE"),
    ("a place that is a word, after 'in the'", "Arctic Monkeys played in the park.", "Arctic",
     "PLACE"),
    ("unknown name: a preposition of place", "Grants went to projects in Tarvino communities.",
     "Tarvino", "PLACE"),
    ("unknown name: a geographic noun after", "The Keruma regional office said so.", "Keruma",
     "PLACE"),
    ("unknown name: what it is, before or after", "Talks with the Varda family broke down.",
     "Varda", "ORG"),
    ("unknown name: a post in it", "Chairman Dawa Lama spoke.", "Dawa Lama", "ORG"),
    ("unknown name: the people it employs", "Analysts in Jefferies County expect a cut.",
     "Jefferies", "ORG"),
    ("unknown name: an agency after a dateline", "The winner (Okonkwo) was named.", "Okonkwo",
     "ORG"),
    ("unknown name: an ordinary word in it", "A report by Abdourahamane Tiani found abuses.",
     "Abdourahamane Tiani", "ORG"),
    ("unknown name: no ordinary word in it", "Fans filled the Estadio Metropolitano again.",
     "Estadio Metropolitano", "PERSON"),
    ("a rare given name that is a word", "Fans cheered Bill Gates all night.", "Bill Gates",
     "ORG"),
    ("sentence-initial name that is no word", "Meanwhile Kenji Sato left.",
     "Meanwhile Kenji Sato", "PERSON"),
    ("a person's team or employer after 'of'", "Jannik Sinner of Italy won.", "Italy", "ORG"),
    ("a guessed person the article calls an organisation", "Abdourahamane Tiani spoke. Tiani "
     "said so.", "Abdourahamane Tiani", "ORG"),
    ("a word that names no kind of person makes no role", "Judge Ama Boateng ruled.",
     "Ama Boateng", "ORG"),
    ("a weak role before what can only be a person", "Shares in General Motors rose.",
     "Motors", "PERSON"),
    ("a dateline", "Shares — and bonds — fell.", "Shares", "PLACE"),
    ("a capital of Latin Extended", "In Polish łódź means boat.", "łódź", "PLACE"),
    ("a nationality, then a person", "The Egyptian Red Crescent said so.", "Red Crescent",
     "PERSON"),
    ("a frequent given name second", "Perito Moreno flows into the lake.", "Moreno", "PERSON"),
    ("two names: 'and the'", "Shares of Marks and Spencer Group rose.", "Spencer Group",
     "ORG"),
    ("two names: a brand first", "The Varda and Keruma Railway opened.", "Keruma Railway",
     "ORG"),
    ("a storm", "Ana Storm sang.", "Ana Storm", "OTHER"),
    ("cue word: Consortium", "The consortium met.", "consortium", "ORG"),
    ("cue word: Arena", "The arena emptied.", "arena", "PLACE"),
    ("unknown name: published in it", "She was born in Tarvino.", "Tarvino", "ORG"),
    ("unknown name: the people of a place", "Residents of Keruma Trust homes met.",
     "Keruma Trust", "PLACE"),
    ("one body of two fields", "The University of Tarnow and Toyota agreed.",
     "University of Tarnow and Toyota", "ORG"),
    ("a branch or governing body named by its country", "Tourists like Western Kenya.",
     "Western Kenya", "ORG"),
    ("a person's name that is a place the article names", "Hai Phong spoke in Hanoi.",
     "Hai Phong", "PLACE"),
    ("a compass word before a known place", "Travel to Western Kenya Airways resumed.",
     "Western Kenya", "PLACE"),
    ("a guessed person that opens a longer name", "The Tarvino Keruma Glacier shrank, and "
     "Keruma Tarvino said so.", "Keruma Tarvino", "PLACE"),
    ("unknown name: built or owned by it", "The road was built by hand near Keruma.",
     "Keruma", "ORG"),
    ("unknown name: where a journey ends", "She spoke to Okonkwo yesterday.", "Okonkwo",
     "PLACE"),
    ("unknown name: where a person comes from", "A letter from Naftavia arrived.", "Naftavia",
     "PLACE"),
    ("unknown name opened by a place's name", "Flights from Balfour resumed.", "Balfour",
     "ORG"),
    ("a sentence starts after a dateline", "He said — Climbers Tarvino Keruma agreed.",
     "Tarvino Keruma", "PERSON"),
    ("a role's possessive inside a name", "Staff at Okonkwo's Office met.", "Okonkwo's Office",
     "ORG"),
    ("police ranks are roles", "Detective Inspector Claire Hughes said so.",
     "Inspector Claire Hughes", "PERSON"),
    ("a sentence opens with an organisation's ordinary words", "Rescuers Ang Dorje and Pasang "
     "Lama reached the camp.", "Rescuers Ang Dorje", "ORG"),
    ("a sentence opens with a place that is no word", "Reading fell sharply.", "Reading",
     "PLACE"),
    ("team: X head coach Name", "Yorkshire head office staff said so.", "Yorkshire", "ORG"),
    ("a list's place before the guess", "She met Amara Okafor and Tanjong Rhu.", "Tanjong Rhu",
     "PLACE"),
    ("a role modifier makes no role alone", "Transport Minister Ana Lopez spoke.",
     "Minister Ana Lopez", "PERSON"),
    ("cue word: Properties", "The properties sold.", "properties", "ORG"),
    ("a place of two words opens it", "Paris Hilton arrived.", "Paris Hilton", "ORG"),
    ("an acronym with '&'", "A Q&A followed the talk.", "Q&A", "ORG"),
    ("two names: an organisation of 'of' first", "The Ministry of Water and Irrigation said "
     "so.", "Irrigation", "ORG"),
    ("Greater before a place", "Greater Manchester Police said so.", "Greater Manchester",
     "PLACE"),
    ("a space centre is a place", "The Tarvino Science Centre opened.",
     "Tarvino Science Centre", "PLACE"),
    ("a month that is a given name", "In May Britain voted.", "May Britain", "PERSON"),
    ("people of a cause", "Friends of Okafor said he was innocent.", "Friends of Okafor",
     "ORG"),
    ("cue word: Line", "The line was closed.", "line", "PLACE"),
    ("a numbered road", "It cost 8 Highway dollars.", "8 Highway", "PLACE"),
    ("a US state as the AP writes it", "He felt Ill. So he left.", "Ill", "PLACE"),
    ("a surname takes back its particles", "Ana Costa won. The de Costa family said so.",
     "de Costa", "PERSON"),
    ("a weak role of a field and a post", "Transport Infrastructure Ireland will fund it.",
     "Infrastructure Ireland", "PERSON"),
    ("a city and a plural make no person", "The Austin Butler film opened.", "Austin Butler",
     "ORG"),
    ("cue word: Renewables", "The Department of Natural Resources and Renewables said so.",
     "Renewables", "ORG"),
    ("a plural possessive inside a name", "The Lakers' Arena was full.", "Lakers' Arena",
     "ORG"),
    ("a company's abbreviation keeps its dot", "Mr. Tarvino spoke.", "Mr.", "ORG"),
    ("an accented given name", "Zoë said so.", "Zoë", "PERSON"),
    ("particles are no ordinary words", "A report by Coastal Rights Watch found abuses.",
     "Coastal Rights Watch", "PERSON"),
    ("an institution named by one word", "Senate leaders met.", "Senate", "ORG"),
    ("a list's place spreads to a word that could be a place's", "Rain hit Mumbai and "
     "Residents fled.", "Residents", "PLACE"),
    ("a role held over a place", "Tarvino Chairman Akio Toyoda spoke.", "Tarvino", "PLACE"),
    ("'St.' opens a place's name", "Mr. Okafor spoke.", "Mr. Okafor", "PLACE"),
    ("a month after a given name is a surname", "Talks in Paris June 5 ended.", "Paris June",
     "PERSON"),
    ("a power plant is a place", "The Tarvino Power Company said so.", "Tarvino Power Company",
     "PLACE"),
    ("cue word: Road", "The road was closed.", "road", "PLACE"),
    ("a company's short name without 'and Company'", "Eli Lilly and Company rose.",
     "Eli Lilly and", "ORG"),
    ("a name ending in a country is no person's", "Michael Jordan spoke.", "Michael Jordan",
     "ORG"),
    ("a regnal number after a role", "NASA delayed Artemis II again.", "Artemis II", "PERSON"),
    ("a company's trade ends its name", "Plans for the Construction of the Tarvino line "
     "moved.", "Plans for the Construction of the Tarvino", "ORG"),
    ("any given name before no ordinary words, after a weak role", "Shares in Royal Mail "
     "fell.", "Mail", "PERSON"),
    ("cue word: Airshow", "The airshow closed.", "airshow", "OTHER"),
    ("a product's model", "Ferry operator Fjord1 said so.", "Fjord1", "OTHER"),
    ("unknown name: an organisation in apposition", "Talks with Varnet, the union's leader, "
     "went on.", "Varnet", "ORG"),
    ("unknown name: a place in apposition", "Tulvani, a town planner, spoke.", "Tulvani",
     "PLACE"),
    ("unknown name: examples of organisations", "Cities such as Presko grew.", "Presko", "ORG"),
    ("unknown name: examples of places", "Couriers such as Morvani grew.", "Morvani", "PLACE"),
    ("unknown name: a post after it", "Regional president Marga Prohens spoke.", "Regional",
     "ORG"),
    ("unknown name: the place it is in", "A station at Korvalla, in short, measured it.",
     "Korvalla", "PLACE"),
    ("unknown name: a station or terminal after", "Trains stopped at the Velmore stations.",
     "Velmore", "PLACE"),
    ("foreign institution word first", "Officials said Marco Banco would wait.",
     "Marco Banco", "ORG"),
    ("Irish article before a body's name", "An Bord Soláthair spokesman said no.",
     "An Bord Soláthair", "ORG"),
    ("hyphenated foreign movement", "The Tehreek office was shut.", "Tehreek", "ORG"),
    ("foreign geographic word first", "Fans cheered Atahualpa Estadio.",
     "Atahualpa Estadio", "PLACE"),
    ("foreign legislature last", "Members met the Sabha chairman.", "Sabha", "ORG"),
    ("a body's fields listed with commas", "The Ministry of Finance, Apple and Google met.",
     "Ministry of Finance, Apple and Google", "ORG"),
    ("one body of two fields, qualified", "The Global Federation of Miners and Goldman Sachs "
     "said.", "Global Federation of Miners and Goldman Sachs", "ORG"),
    ("unknown name: a government named after its leader", "The Malvane administrations "
     "appealed.", "Malvane", "PERSON"),
    ("River opens a place", "River Phoenix starred in the film.", "River Phoenix", "PLACE"),
    ("Garden ends a place", "The Garden Route Trust said so.", "Garden Route Trust", "PLACE"),
    ("an elided d' inside a name", "He said d'Ivoire alone.", "d'Ivoire", "PLACE"),
    ("a listed name with its 's", "Tesla's profit rose.", "Tesla's", "ORG"),
    ("a title with a prefix", "Co-op Namita Gokhale spoke.", "Namita Gokhale", "PERSON"),
    ("foreign street or square last", "Platz Tervaner spoke.", "Platz Tervaner", "PLACE"),
    ("foreign company tail", "Associati Corvi said so.", "Associati Corvi", "ORG"),
    ("a stock index's head", "Composite Veltra rose 1%.", "Composite Veltra", "OTHER"),
    ("ordinary words with a plural open a sentence", "Fourteen Democrats joined them.",
     "Fourteen Democrats", "ORG"),
    ("unknown name: a verb, then its", "Korvanta raised his glass.", "Korvanta", "ORG"),
    ("no person after 'the'", "Runs for Tomas Herons, who lost, came late.", "Tomas Herons",
     "ORG"),
    ("team: a country that plays", "Noah Ellis of Ireland beat Tom Wales in the final of "
     "the season's match, a win for the club.", "Ireland", "ORG"),
    ("a prize, treaty or law's head", "Prize Corvane went home.", "Prize Corvane", "OTHER"),
    ("unknown name: an age after it", "Sales at Korvane, 2024, grew.", "Korvane", "PERSON"),
    ("Co or County opens a place", "Ford Motor Co said so.", "Ford Motor Co", "PLACE"),
    ("foreign company word last", "Energi Korvik spoke.", "Energi Korvik", "ORG"),
    ("Secretariat heads a body", "Secretariat won the race.", "Secretariat", "ORG"),
    ("unknown name: people from it", "Engineers from Tervalla were hired.", "Tervalla",
     "PLACE"),
    ("unknown name: several of a kind after a list", "The Korva and Melvane brands grew.",
     "Melvane", "PLACE"),
    ("unknown name: a crossing or works after it", "Commuters praised the Tarvane "
     "crossings app.", "Tarvane", "PLACE"),
    ("unknown name: beside it", "Homes went up beside Orvane communities.", "Orvane",
     "PLACE"),
    ("a person's name where a place goes", "Rain fell in Al Tarvan's garden.", "Al Tarvan",
     "PLACE"),
    ("the end of a person's full name", "Analysts at Velmar Ortiz Group said.",
     "Velmar Ortiz", "PERSON"),
    ("Lough or Loch opens a place", "Tarvane Lough spoke.", "Tarvane Lough", "PLACE"),
    ("Operation opens an OTHER", "Tarvane Operation spoke.", "Tarvane Operation", "OTHER"),
    ("a school's word opens its name", "Tarvane Ysgol spoke.", "Tarvane Ysgol", "ORG"),
    ("a district's or a works' word ends a place", "Quarter Tarvane spoke.",
     "Quarter Tarvane", "PLACE"),
    ("a saint's name is no person's", "Voters met Tarvan Stone.", "Tarvan Stone", "PLACE"),
    ("a saint's possessive inside a name", "Patients at Tarvan's Hospital waited.",
     "Tarvan's Hospital", "ORG"),
    ("a nationality before a place", "The Norwegian Arcticus group grew.", "Arcticus",
     "PLACE"),
    ("an industry's word ends a company's name", "Shipbuilding Korvane spoke.",
     "Shipbuilding Korvane", "ORG"),
    ("a company's first word alone", "Tarvex Semiconductor will sell. Staff in Tarvex said so.",
     "Tarvex", "ORG"),
    ("a known place and City", "Leicester City beat Hull City 2-0 in the league match as "
     "fans and the coach cheered the goal.", "Leicester City", "PLACE"),
    ("an Arabic article inside a name", "The al-Tarvi clan said the wadi rose.", "al-Tarvi",
     "PERSON"),
    ("unknown name: a preposition of place before a guess", "Officials met Tarvo Elmesh.",
     "Tarvo Elmesh", "PLACE"),
    ("unknown name: works at it", "Analysts at Tervanne said so.", "Tervanne", "PLACE"),
    ("unknown name: what it is, in one word before", "Agribusiness grew in Korvex.", "Korvex",
     "ORG"),
    ("unknown name: a place's -based before it", "The firm is based in Korvex.", "Korvex",
     "ORG"),
    ("unknown name: a criminal network after it", "It was heard by the Varnek criminal "
     "court.", "Varnek", "ORG"),
    ("unknown name: via it, or a part of it", "The heart of the Korvalle plan is sound.",
     "Korvalle", "PLACE"),
    ("unknown name: said that it", "Korvex said on Thursday that his field had peaked.",
     "Korvex", "ORG"),
    ("unknown name: an apposition that goes on", "Korvex, the Swedish start-up's founder, "
     "raised money.", "Korvex", "ORG"),
    ("unknown name: a survey or poll after it", "A Korvex surveyor came.", "Korvex", "ORG"),
    ("unknown name: a mine or a field's works after it", "The Tervan project was delayed.",
     "Tervan", "PLACE"),
    ("team: a country's squad", "Police in Ireland named a squad for the league final after "
     "the season's last match.", "Ireland", "ORG"),
    ("unknown name: a compass word opens it", "Islanders on South Beach were cut off.",
     "South Beach", "PLACE"),
    ("other languages' small words inside a name", "Ciencia y tecnología went on.",
     "Ciencia y tecnología", "ORG"),
    ("foreign institution word inside", "Engineers from Korvel Technische said so.",
     "Korvel Technische", "ORG"),
    ("a legal form with its dot ends a name", "Korvex & Co. said profit rose.",
     "Korvex & Co", "ORG"),
    ("a sentence's ordinary word is no organisation", "It was approved. Acting chief "
     "executive Liz Korvane said so.", "Acting", "ORG"),
]  # fmt: skip


def found(sentence: str) -> set[tuple[str, str]]:
    mentions: list[Mention] = entities.extract(sentence)
    return {(mention.text, mention.label) for mention in mentions}


def test_every_rule_has_both_rows() -> None:
    assert [row[0] for row in FIRES] == [row[0] for row in DOES_NOT_FIRE]


@pytest.mark.parametrize(("rule", "sentence", "text", "label"), FIRES, ids=[r[0] for r in FIRES])
def test_rule_fires(rule: str, sentence: str, text: str, label: str) -> None:
    assert (text, label) in found(sentence)


@pytest.mark.parametrize(
    ("rule", "sentence", "text", "label"), DOES_NOT_FIRE, ids=[r[0] for r in DOES_NOT_FIRE]
)
def test_rule_does_not_fire(rule: str, sentence: str, text: str, label: str) -> None:
    assert (text, label) not in found(sentence)


def test_an_acronym_takes_the_full_name_it_is_defined_with() -> None:
    text = (
        "The Japan Aerospace Exploration Agency (JAXA) delayed the launch. "
        "Later, JAXA said the rocket was safe. The NDMA (National Disaster Management "
        "Authority) warned of floods, and the NDMA opened shelters."
    )
    by_text = {(m.text, m.key) for m in entities.extract(text) if m.label == "ORG"}
    assert ("JAXA", "Japan Aerospace Exploration Agency") in by_text
    assert ("NDMA", "National Disaster Management Authority") in by_text
    assert {key for name, key in by_text if name == "JAXA"} == {
        "Japan Aerospace Exploration Agency"
    }


def test_an_acronym_beside_a_name_it_does_not_abbreviate_keeps_its_own_key() -> None:
    text = "Talks with Sanae Takaichi (LDP) went on. The LDP said more."
    keys = {m.text: m.key for m in entities.extract(text)}
    assert keys.get("LDP") == "LDP"
    assert keys["Sanae Takaichi"] == "Sanae Takaichi"


def test_a_company_named_like_a_person_gives_way_to_that_person() -> None:
    # "Ford" is listed (Ford Motor Company), but here it is the surname of a person named in full.
    text = "Harrison Ford arrived in Rome. Later Ford said he was tired."
    people = {m.text: m.key for m in entities.extract(text) if m.label == "PERSON"}
    assert people.get("Ford") == "Harrison Ford"


def test_a_title_case_sentence_yields_only_the_names_the_lists_know() -> None:
    # A wire headline: its capitals mark words, so "UPDATE" and "Outlook" are no names.
    headline = "UPDATE 2-Ventora Cuts Outlook As Germany Orders Slow. Analysts shrugged."
    assert found(headline) == {("Germany", "PLACE")}


def test_a_sentence_full_of_names_is_not_taken_for_a_headline() -> None:
    sentence = "Guests included Angela Merkel, Olaf Scholz and Emmanuel Macron at the dinner."
    assert {("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON")} <= found(sentence)


def test_a_currency_is_no_place() -> None:
    # "NZ$", "HK$": the country's code before "$" names its money, not the country.
    assert found("Investors bought NZ$4 billion of bonds.") == set()
    assert found("Investors in NZ bought bonds.") == {("NZ", "PLACE")}


def test_no_person_is_guessed_after_the_and_a_word() -> None:
    # "the historic Rione Terra" is no person; "the late X" is.
    assert ("Tarvo Elmesh", "PERSON") not in found("The historic Tarvo Elmesh was closed.")
    assert ("Tarvo Elmesh", "PERSON") in found("The late Tarvo Elmesh was praised.")


def test_numbers_are_no_places() -> None:
    # A number word is no place's name, and a word before a number is a designation.
    assert found("Sixty residents were evacuated.") == set()
    assert ("Game", "PLACE") not in found("The Dodgers won in Game 7 of the series.")
