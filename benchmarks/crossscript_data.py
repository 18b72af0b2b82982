"""Labelled cross-script person data for the matching benchmark.

The generator makes up a population of persons of Russian, Kazakh, Kyrgyz, Tajik,
Uzbek, Azerbaijani, Turkmen, Armenian and Georgian origin, and writes each of them as
one agency's officer would: in the native script, in the Russian spelling of a
non-Russian name, or romanised under one of the standards below. Two tables result,
``a`` (one agency) and ``b`` (another); about 55% of the persons appear in both, and
table B holds some duplicates of the same person. ``truth`` lists every (a_id, b_id)
pair that is the same person. Everything is synthetic: names are drawn from
hand-written lists of common names and from Faker's locale name lists; no data set built
from real people's records is used. The module imports nothing from ``interagency`` on
purpose: the data must not be tuned to the engine it measures.

Usage::

    from crossscript_data import generate
    data = generate(seed=1, n_persons=5000)
    data.a, data.b, data.truth, data.meta

    python benchmarks/crossscript_data.py OUT_DIR [--seed N] [--persons N]

``generate`` is deterministic for a seed (and a given Faker release, whose name lists
supply the long tail of rare names).

Persons
-------
Given names and surnames are drawn with Zipf-like weights ``1 / (rank + q) ** s``
over lists ordered from the most to the least common name, so that thousands of
persons share the most popular names and many different persons share a full name.
On top of that, some persons are made on purpose as hard non-pairs of an earlier one:

============================  =====  ===================================================
relation (``meta.relation``)  rate   what it shares with the earlier person
============================  =====  ===================================================
namesake                      4%     given name, surname (and in half the cases the
                                     patronymic); other birth date and passport
sibling                       4%     surname (in its gender form) and patronymic; other
                                     given name and birth date
twin                          1.5%   surname, patronymic and birth date; other given
                                     name; passport number one higher
child                         3%     surname; patronymic made from the father's given
                                     name; born 20-40 years later; one son in five is
                                     named after his grandfather
============================  =====  ===================================================

Standards (``meta.standard``) and the script they produce (``meta.script``)
--------------------------------------------------------------------------
============== ======== ===================================================================
standard       script   what it is
============== ======== ===================================================================
native         native   as written in the person's own country: Cyrillic (Russian, Kazakh,
                        Kyrgyz, Tajik), Uzbek / Azerbaijani / Turkmen Latin, Armenian,
                        Georgian
ru-form        Cyrl     the Russian spelling of a non-Russian name (Арутюнян, Мамедов,
                        Нурсултан, Джавахишвили)
uz-cyrl        Cyrl     Uzbek Cyrillic (Муҳаммад, ўғли)
icao-9303      Latn     ICAO Doc 9303 part 3 (Russian passports since 2013): ж zh, х kh,
                        ц ts, щ shch, ъ ie, й i, ю iu, я ia
bgn-pcgn       Latn     BGN/PCGN 1947: е ye at word start and after vowels, й y, ю yu,
                        я ya, ё ë, ь ’, ъ ”, a middle dot in тс t·s and шч sh·ch
gost-7.79-b    Latn     GOST 7.79-2000 system B: ц cz (c before е и ы й), х x, щ shh,
                        й j, ы y`, э e`, ь `, ъ ``
iso-9          Latn     ISO 9:1995 (GOST 7.79 system A): ж ž, ч č, ш š, щ ŝ, ю û, я â
fr             Latn     French usage: у ou, ш ch, ч tch, ж j, х kh, й ï, ю iou, ий i,
                        гe gue, с between vowels ss, е after a vowel ïe
de             Latn     German (Duden) usage: в w, ж sch, з s, ч tsch, х ch, ц z, й j/i,
                        я ja, е je initially and after vowels, ий i
az-latin       Latn-az  Azerbaijani Latin alphabet (native for Azerbaijani names; Russian
                        names transcribed: х x, ш ş, ч ç, ж j, ы ı)
uz-latin       Latn-uz  Uzbek Latin alphabet of 1995 (oʻ, gʻ, sh, ch, x, q)
kk-latin-2021  Latn-kz  Kazakh Latin alphabet of 2021 (ä ğ q ñ ö ū ü ı ş ç)
tk-latin       Latn-tm  Turkmen Latin alphabet (ä ç ž ň ö ş ü ý, в w)
kz-passport    Latn     ICAO 9303 letters with the Kazakh / Kyrgyz letters folded
                        (ә a, ғ g, қ k, ң n, ө o, ұ u, ү u, һ h, і i)
tj-passport    Latn     Tajik national romanisation (ғ gh, ӣ i, қ q, ӯ u, ҳ h, ҷ j)
uz-passport    Latn     Uzbek Latin without modifier letters, as in the machine-readable
                        zone (oʻ o, gʻ g)
az-passport    Latn     English-style spelling common in foreign records of Azerbaijani
                        names (ə a, c j, x kh, q g, ş sh, ç ch, ğ gh: Cəfərov Jafarov)
tk-passport    Latn     English-style ASCII spelling of Turkmen (ş sh, ç ch, ý y, ž zh)
hy-national    Latn     Armenian passport romanisation (ու u, ե ye initially, ո vo
                        initially, no apostrophes)
hy-bgn-pcgn    Latn     BGN/PCGN 1981 for Armenian (aspirates t’ ch’ ts’ p’ k’)
hy-iso-9985    Latn     ISO 9985 (ու ow, ժ ž, խ x, ղ ł, ջ ǰ, aspirates ʼ)
ka-national    Latn     Georgian national system of 2002 = BGN/PCGN 2009 (ejectives k’ p’
                        t’ ts’ ch’ q’)
ka-passport    Latn     the same without apostrophes, as printed in Georgian passports
ka-iso-9984    Latn     ISO 9984 (ჟ ž, შ š, ჩ č', ხ x, ჯ ǰ, ღ ğ)
============== ======== ===================================================================

Russian-alphabet standards (icao-9303 ... de, and az/uz/tk-latin for persons not of that
origin) are applied to the Russian spelling of the name, as an officer copying a
Russian-language document would; the national standards are applied to the native form.
Which standards each origin gets, and how often, is in ``ORIGIN_STANDARDS``.

Noise (fixed rates, applied independently to every record of both tables)
-------------------------------------------------------------------------
================================  ======  ==================================================
noise (``meta.noise`` tag)        rate    what happens
================================  ======  ==================================================
patronymic kept                   85% /   a patronymic is written in native-script and
                                  35%     Cyrillic records 85% of the time, in Latin ones
                                          35% (passports abroad carry none)
``initial``                       4%      given name (and patronymic) as initials "S. P."
``variant``                       5%      given name replaced by another form of the same
                                          name (Muhammad / Mukhammad / Magomed / Mohammed;
                                          Aleksandr / Alexander; Yevgeniy / Evgeny / Eugene)
``typo``                          6%      one insert, delete, substitute or transposition
                                          in one name part
``upper``                         12%     the whole name in capitals
name order                        75/15/  native-script and Cyrillic records: "Surname
                                  10%     Given Patronymic" / "Given Patronymic Surname" /
                                          "SURNAME, Given Patronymic"
                                  40/40/  the same three orders in Latin records
                                  20%
``dmy_swap``                      2.5%    birth day and month swapped (only if the day
                                          is 12 or less)
``year_pm1``                      2%      birth year one off
``year_only``                     3%      birth date given as the year only
``no_date``                       3%      birth date missing
date format                       55/35/  YYYY-MM-DD / DD.MM.YYYY / YYYYMMDD
                                  10%
``pp_space``                      5%      passport number with a space inside
``pp_digit``                      2.5%    one wrong digit in the passport number
``pp_swap``                       1.5%    two adjacent characters transposed
``pp_other``                      3%      another (later) passport of the same person
``no_passport``                   8%      passport missing
``no_nat``                        6%      nationality missing (always ISO 3166 alpha-3
                                          when present)
``other_nat``                     2%      a second citizenship given instead
``no_sex``                        4%      sex missing
================================  ======  ==================================================

Tables A and B: 55% of persons in both, 22.5% only in A, 22.5% only in B; 6% of the
persons in B have a second B record (written independently).

Tables ``a`` and ``b`` have string columns ``id``, ``full_name``, ``birth_date``, ``sex``
(M/F), ``nationality`` (ISO 3166 alpha-3) and ``passport``; a missing value is ``<NA>``.
``meta`` is indexed by record id, with columns ``script``, ``standard``, ``nationality``
(the true citizenship), ``popularity_decile`` (0 = the 10% of persons whose name is most
shared; the score is how many persons share the given name times how many share the
surname), ``origin``, ``person_id``, ``relation`` and ``noise`` (tags joined with ";").
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# ---------------------------------------------------------------------------
# Rates (see the tables in the module docstring)
# ---------------------------------------------------------------------------
P_IN_BOTH = 0.55
P_A_ONLY = 0.225  # the rest (0.225) is only in B
P_B_DUPLICATE = 0.06

P_NAMESAKE = 0.04
P_SIBLING = 0.04
P_TWIN = 0.015
P_CHILD = 0.03

P_PATRONYMIC_NATIVE = 0.85
P_PATRONYMIC_LATIN = 0.35
P_INITIAL = 0.04
P_VARIANT = 0.05
P_TYPO = 0.06
P_UPPER = 0.12
NAME_ORDER: dict[str, tuple[tuple[str, float], ...]] = {
    # script family -> (order, weight)
    "native": (("SGP", 0.75), ("GPS", 0.15), ("S,GP", 0.10)),
    "latin": (("SGP", 0.40), ("GPS", 0.40), ("S,GP", 0.20)),
}

P_DMY_SWAP = 0.025
P_YEAR_PM1 = 0.02
P_YEAR_ONLY = 0.03
P_NO_DATE = 0.03
DATE_FORMATS: tuple[tuple[str, float], ...] = (
    ("%Y-%m-%d", 0.55),
    ("%d.%m.%Y", 0.35),
    ("%Y%m%d", 0.10),
)

P_PP_SPACE = 0.05
P_PP_DIGIT = 0.025
P_PP_SWAP = 0.015
P_PP_OTHER = 0.03
P_NO_PASSPORT = 0.08

P_NO_NAT = 0.06
P_OTHER_NAT = 0.02
P_NO_SEX = 0.04

# Zipf-like popularity: weight of the name at 0-based rank r is 1 / (r + q) ** s
ZIPF_GIVEN = (1.1, 5.0)  # (s, q)
ZIPF_SURNAME = (1.0, 6.0)
TAIL_WEIGHT = 0.1  # extra factor on the rare names that follow the hand-written lists

BIRTH_FIRST = dt.date(1950, 1, 1)
BIRTH_LAST = dt.date(2006, 12, 31)

SCRIPTS = ("Cyrl", "Latn", "Latn-az", "Latn-uz", "Latn-kz", "Latn-tm", "Armn", "Geor")

# ---------------------------------------------------------------------------
# Name lists. Most common first. "native:ru" gives the Russian spelling where it is
# not a mechanical transcription of the native form. Made-up combinations of these
# common names are the persons; no list names a real person.
# ---------------------------------------------------------------------------

_RU_MALE = """Александр Сергей Дмитрий Андрей Алексей Владимир Иван Михаил Евгений Николай
Максим Артём Денис Игорь Юрий Павел Роман Олег Виктор Антон Илья Никита Кирилл Вадим
Константин Василий Егор Анатолий Виталий Григорий Пётр Валерий Леонид Станислав Борис
Фёдор Георгий Руслан Тимур Вячеслав Аркадий Геннадий Степан Ярослав Даниил Матвей
Тимофей Глеб Лев Семён Яков"""
_RU_FEMALE = """Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия
Анастасия Марина Людмила Галина Надежда Валентина Оксана Виктория Дарья Ксения Алина
Полина Евгения Вера Любовь Лариса Нина Алла Софья Александра Кристина Елизавета
Валерия Ангелина Зоя Тамара Лидия Раиса Маргарита Жанна"""
# Surnames: Faker's ru_RU list is ordered by frequency already.

_KK_MALE = """Нұрлан Ерлан Асқар Бауыржан Серік Қайрат Нұрсұлтан Ержан Дәурен Ғалым Арман
Айдос Ерболат Мұрат Дархан Бақыт Жандос Әлихан Нұржан Ерік Талғат Азамат Санжар Мақсат
Данияр Абай Алмас Олжас Бекзат Ернар Әділет Темірлан Қанат Жанболат Мирас Нұрболат
Дамир Әлібек Бекжан Мейрам Ғабит Есен Айбек Берік Төлеген"""
_KK_FEMALE = """Айгүл Гүлнар Жанар Динара Әсел Айжан Меруерт Ақмарал Жұлдыз Сәуле Гүлмира
Айнұр Назерке Аружан Дана Балжан Мадина Томирис Ақбота Камила Ләззат Салтанат Жансая
Гаухар Айгерім Әйгерім Ботагөз Гүлжан Раушан Шолпан"""
_KK_SURNAME = """Ахметов Омаров Әбенов Сәрсенбаев Жақсылықов Нұрпейісов Қасымов Бекмұхамбетов
Есенов Төлеуов Серікбаев Оспанов Исабеков Байжанов Тұрсынов Жұмабаев Сұлтанов Әлиев
Мұхамедов Рахимов Қалиев Мұқанов Бекболатов Ермеков Ибраев Нұрланов Құлжанов Смағұлов
Қожахметов Әбдіков Дәулетов Тоқтаров Бейсенов Мұсабаев Жүнісов Сағынтаев Әмірханов"""

_KY_MALE = """Азамат Айбек Бакыт Нурлан Эрлан Улан Бекзат Эрмек Таалай Кубанычбек Алмаз
Нурбек Мирлан Эмил Адилет Жыргалбек Талант Элдияр Урмат Темирлан Мелис Канат Чыңгыз
Бактыбек Асылбек Максат Үмүт Өмүрбек"""
_KY_FEMALE = """Айгерим Айзада Жылдыз Гүлзат Бермет Айпери Чолпон Назгүл Жибек Динара Асел
Мээрим Айсулуу Каныкей Элнура Гүлнара Нургүл Бүбүсара Өмүркан"""
_KY_SURNAME = """Асанов Токтогулов Мамытов Жумабаев Осмонов Абдыкадыров Бекмуратов Садыров
Токтосунов Калыев Эсенбаев Мамбетов Сыдыков Алыкулов Бакиров Абдылдаев Турдубаев Усенов
Исаков Кадыров Өмүрбеков Үсөнов Байтиков Орозбеков"""

_TG_MALE = """Муҳаммад Фаррух Далер Бахтиёр Шерзод Фирӯз Аҳмад Ҷамшед Рустам Сорбон
Исмоил Комрон Зафар Абдулло Шодмон Фаридун Хуршед Искандар Манучеҳр Наврӯз Умед Парвиз
Ҳусейн Баҳодур Алишер Сино Фирдавс Шаҳром"""
_TG_FEMALE = """Мадина Зарина Нигина Шаҳло Малика Гулнора Фарзона Парвина Нилуфар Сурайё
Таҳмина Мавзуна Дилноза Ситора Меҳрангез Фотима Зебо Шабнам Гулрухсор Мунира"""
_TG_SURNAME = """Раҳимов Каримов Назаров Саидов Шарипов Одинаев Раҷабов Давлатов Ҳасанов
Ҳусейнов Мирзоев Сафаров Қодиров Ашуров Иброҳимов Собиров Юсуфов Холов Назарзода
Шарифзода Саидзода Каримзода Мирзозода Абдуллоев Ғафуров Қурбонов Ҷӯраев Бобоев"""

# Uzbek: native is the Latin alphabet of 1995; ":" gives the Russian spelling where
# Russian convention differs from the letter-by-letter transcription (o ~ а).
_UZ_MALE = """Muhammad Abdulla Aziz Jasur Sardor Bekzod Shohruh:Шахрух Otabek Ulugʻbek:Улугбек
Sherzod Dilshod Rustam Javohir Akmal Bobur Jamshid Anvar Farhod:Фархад Oybek:Ойбек Islom:Ислам
Doniyor:Даниёр Sanjar Abdulaziz Abdurahmon:Абдурахман Ibrohim:Ибрагим Yusuf Ahmad Alisher
Botir:Батыр Zafar Nodir:Надир Shavkat Rashid Ravshan Sunnat Ilhom:Ильхам Behzod Elyor
Xurshid:Хуршид Husan:Хусан Hasan:Хасан Oʻktam:Уктам Gʻayrat:Гайрат Qodir:Кадыр Mahmud Umid"""
_UZ_FEMALE = """Dilnoza Gulnora Nilufar Shahnoza Madina Malika Zarina Feruza Kamola:Камола Nodira
Dildora Gulchehra Mohira:Мохира Sevara Yulduz Nigora Munisa Zuhra Oydin Barno Dilfuza
Mavluda Gulshan Lola Shoira Nasiba Umida Xurshida:Хуршида Ozoda:Азада Saida Maftuna Sabina
Aziza Zilola"""
_UZ_SURNAME = """Abdullayev Karimov Rahimov Yusupov Aliyev Toshmatov:Ташматов Ismoilov:Исмаилов
Xolmatov:Холматов Ergashev Sobirov:Сабиров Qodirov:Кадыров Nazarov Umarov Rashidov
Sultonov:Султанов Mirzayev Saidov Tursunov Hamidov Usmonov:Усманов Joʻrayev:Джураев
Nurmatov Yoʻldoshev:Юлдашев Gʻaniyev:Ганиев Haydarov:Хайдаров Ahmedov Xudoyberdiyev:Худайбердиев
Normatov Sharipov Boboyev:Бабаев Rustamov Murodov:Мурадов Musayev Qosimov:Касымов Olimov:Алимов
Islomov:Исламов Mahmudov Fayzullayev Eshonqulov:Эшанкулов"""

# Azerbaijani: native is the Latin alphabet; ":" gives the Russian spelling.
_AZ_MALE = """Məhəmməd:Магомед Əli:Али Hüseyn:Гусейн Həsən:Гасан Elvin:Эльвин Rəşad:Рашад
Orxan:Орхан Tural:Турал Elnur:Эльнур Kamran:Камран Ramil:Рамиль Vüqar:Вугар Elçin:Эльчин
Anar:Анар Fərid:Фарид Nicat:Ниджат Ruslan:Руслан Emil:Эмиль Rauf:Рауф Səbuhi:Сабухи
Cavid:Джавид Elşən:Эльшан Tofiq:Тофик Rövşən:Ровшан İlham:Ильхам Zaur:Заур Vüsal:Вусал
Şahin:Шахин Murad:Мурад Əhməd:Ахмед Nurlan:Нурлан Yusif:Юсиф Mübariz:Мубариз Kənan:Кенан
Ceyhun:Джейхун Famil:Фамиль"""
_AZ_FEMALE = """Aynur:Айнур Günel:Гюнель Leyla:Лейла Nərmin:Нармин Sevinc:Севиндж Aysel:Айсель
Könül:Кёнуль Nigar:Нигяр Gülnar:Гюльнар Səbinə:Сабина Lalə:Лала Aytən:Айтен Fidan:Фидан
Ülviyyə:Ульвия Xədicə:Хадиджа Zəhra:Захра Mədinə:Мадина Nərgiz:Наргиз Şəbnəm:Шабнам
Vüsalə:Вусала Arzu:Арзу Samirə:Самира Türkan:Туркан Gülər:Гюляр Sevda:Севда"""
_AZ_SURNAME = """Məmmədov:Мамедов Əliyev:Алиев Hüseynov:Гусейнов Həsənov:Гасанов Quliyev:Кулиев
İsmayılov:Исмаилов Abdullayev:Абдуллаев Əhmədov:Ахмедов Rzayev:Рзаев Cəfərov:Джафаров
Süleymanov:Сулейманов Orucov:Оруджев Babayev:Бабаев Nəsirov:Насиров Mustafayev:Мустафаев
Qasımov:Касумов Kərimov:Керимов Musayev:Мусаев İbrahimov:Ибрагимов Rəhimov:Рагимов
Bağırov:Багиров Səfərov:Сафаров Vəliyev:Велиев Nəcəfov:Наджафов Qurbanov:Курбанов
Sadıqov:Садыхов Əsgərov:Аскеров Zeynalov:Зейналов Heydərov:Гейдаров Salmanov:Салманов
Kazımov:Казымов Hacıyev:Гаджиев Əlizadə:Ализаде Məmmədli:Мамедли Mehdiyev:Мехтиев"""

# Turkmen: native is the Latin alphabet of 1993; ":" gives the Russian spelling.
_TK_MALE = """Merdan:Мердан Serdar:Сердар Döwlet:Довлет Maksat:Максат Batyr:Батыр Myrat:Мурат
Annamyrat:Аннамурат Berdi:Берды Aman:Аман Rejep:Реджеп Kerim:Керим Döwran:Довран Ata:Ата
Ruslan:Руслан Baýram:Байрам Ýusup:Юсуп Atajan:Атаджан Nurmuhammet:Нурмухаммет Öwez:Овез
Hojamyrat:Ходжамурат Şatlyk:Шатлык Begenç:Бегенч"""
_TK_FEMALE = """Aýgül:Айгуль Jennet:Дженнет Gülşat:Гульшат Maýsa:Майса Ogulgerek:Огулгерек
Bahar:Бахар Leýli:Лейли Aýna:Айна Gözel:Гозель Mähri:Мяхри Enejan:Энеджан Selbi:Сельби
Sona:Сона Ogulbike:Огульбике"""
_TK_SURNAME = """Annaýew:Аннаев Orazow:Оразов Ataýew:Атаев Hojaýew:Ходжаев Berdiýew:Бердыев
Gurbanow:Курбанов Rejepow:Реджепов Amanow:Аманов Öwezow:Овезов Saparow:Сапаров
Çaryýew:Чарыев Durdyýew:Дурдыев Nurmuhammedow:Нурмухаммедов Meredow:Мередов
Babaýew:Бабаев Garaýew:Караев Ysmaýylow:Исмаилов Muhammedow:Мухаммедов Kakaýew:Какаев
Baýramow:Байрамов"""

# Armenian: native script; ":" gives the Russian spelling.
_HY_MALE = """Արամ:Арам Արմեն:Армен Դավիթ:Давид Գևորգ:Геворг Տիգրան:Тигран Հայկ:Айк Արթուր:Артур
Նարեկ:Нарек Սարգիս:Саркис Կարեն:Карен Վահե:Ваге Աշոտ:Ашот Հովհաննես:Оганес Արտակ:Артак
Գագիկ:Гагик Սամվել:Самвел Ռուբեն:Рубен Էդգար:Эдгар Վարդան:Вардан Մհեր:Мгер Հակոբ:Акоп
Արսեն:Арсен Գրիգոր:Григор Սուրեն:Сурен Ալեքսանդր:Александр Միքայել:Микаел Լևոն:Левон
Արման:Арман Էրիկ:Эрик Վազգեն:Вазген Հրանտ:Грант Կարապետ:Карапет Մխիթար:Мхитар"""
_HY_FEMALE = """Անի:Ани Անահիտ:Анаит Մարիամ:Мариам Նարինե:Нарине Լուսինե:Лусине Գայանե:Гаяне
Արմինե:Армине Սոնա:Сона Աննա:Анна Լիլիթ:Лилит Մարինե:Марине Հասմիկ:Асмик Նունե:Нуне
Սյուզաննա:Сюзанна Տաթևիկ:Татевик Սիրանուշ:Сирануш Զարուհի:Заруи Կարինե:Карине Մերի:Мери
Ռուզաննա:Рузанна Արփինե:Арпине Էլեն:Элен Գոհար:Гоар Աստղիկ:Астхик Շուշան:Шушан"""
_HY_SURNAME = """Հարությունյան:Арутюнян Գրիգորյան:Григорян Սարգսյան:Саркисян
Հովհաննիսյան:Оганесян Խաչատրյան:Хачатрян Կարապետյան:Карапетян Պետրոսյան:Петросян
Վարդանյան:Варданян Մկրտչյան:Мкртчян Ավետիսյան:Аветисян Հակոբյան:Акопян Գևորգյան:Геворгян
Մարտիրոսյան:Мартиросян Ղազարյան:Казарян Սահակյան:Саакян Մանուկյան:Манукян
Ստեփանյան:Степанян Պողոսյան:Погосян Ավագյան:Авакян Դավթյան:Давтян Բաղդասարյան:Багдасарян
Մովսիսյան:Мовсисян Ադամյան:Адамян Մելքոնյան:Мелконян Ալեքսանյան:Алексанян
Համբարձումյան:Амбарцумян Աբրահամյան:Абрамян Եղիազարյան:Егиазарян Առաքելյան:Аракелян
Զաքարյան:Закарян Մինասյան:Минасян Թովմասյան:Товмасян Ասատրյան:Асатрян Բաբայան:Бабаян
Նազարյան:Назарян"""

# Georgian: native script; ":" gives the Russian spelling.
_KA_MALE = """გიორგი:Георгий დავით:Давид ლევან:Леван ნიკოლოზ:Николоз ალექსანდრე:Александр
ირაკლი:Ираклий ზურაბ:Зураб გოჩა:Гоча ლაშა:Лаша ლუკა:Лука ნიკა:Ника გიგა:Гига
თორნიკე:Торнике ბექა:Бека ვახტანგ:Вахтанг მამუკა:Мамука ზვიად:Звиад თემურ:Темур
გურამ:Гурам ოთარ:Отар შოთა:Шота ტარიელ:Тариэл კახა:Каха ბესიკ:Бесик ავთანდილ:Автандил
ჯემალ:Джемал ნოდარ:Нодар მერაბ:Мераб ვლადიმერ:Владимер პაატა:Паата გელა:Гела ბადრი:Бадри
ლადო:Ладо სანდრო:Сандро თამაზ:Тамаз"""
_KA_FEMALE = """ნინო:Нино მარიამ:Мариам თამარ:Тамар ანა:Ана ეკატერინე:Екатерина ნათია:Натия
სალომე:Саломе ქეთევან:Кетеван მაკა:Мака ნანა:Нана ლიკა:Лика თეონა:Теона ნატო:Нато
ხათუნა:Хатуна მანანა:Манана ლალი:Лали ირინე:Ирине ეკა:Эка თინათინ:Тинатин ნესტან:Нестан
ელენე:Елене მაია:Майя ლია:Лия სოფიო:Софио ნუცა:Нуца"""
_KA_SURNAME = """ბერიძე:Беридзе მაისურაძე:Майсурадзе კაპანაძე:Капанадзе გელაშვილი:Гелашвили
ლომიძე:Ломидзе ჯავახიშვილი:Джавахишвили გიორგაძე:Гиоргадзе ნოზაძე:Нозадзе
ხუციშვილი:Хуцишвили ბაქრაძე:Бакрадзе კვარაცხელია:Кварацхелия ჩხეიძე:Чхеидзе
ტაბატაძე:Табатадзе მაჭავარიანი:Мачавариани ქავთარაძე:Кавтарадзе კიკნაძე:Кикнадзе
მესხი:Месхи ნადირაძე:Надирадзе ხარაიშვილი:Хараишвили ჩიქოვანი:Чиковани
ცერცვაძე:Церцвадзе ღლონტი:Глонти ბოლქვაძე:Болквадзе გაბუნია:Габуния ჯანელიძე:Джанелидзе
აბაშიძე:Абашидзе ცხადაძე:Цхададзе შენგელია:Шенгелия მჭედლიშვილი:Мчедлишвили
დოლიძე:Долидзе"""

# Irregular Russian patronymics (father's name -> male, female form).
_RU_PATRONYMIC_IRREGULAR = {
    "Пётр": ("Петрович", "Петровна"),
    "Павел": ("Павлович", "Павловна"),
    "Лев": ("Львович", "Львовна"),
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Яков": ("Яковлевич", "Яковлевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Георгий": ("Георгиевич", "Георгиевна"),
}

# Given-name variants: other forms of the same name an officer may write.
# Keyed by the Russian spelling; (Latin forms, Cyrillic forms).
NAME_VARIANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Мухаммад": (
        ("Muhammad", "Mukhammad", "Mohammed", "Muhammed", "Mohamed", "Mahammad", "Magomed"),
        ("Магомед", "Мухаммед", "Мухамед", "Мохаммед"),
    ),
    "Магомед": (
        ("Magomed", "Muhammad", "Mohammed", "Mahammad", "Mukhammed"),
        ("Мухаммад", "Мухаммед", "Магомет"),
    ),
    "Александр": (("Alexander", "Aleksandr", "Alexandr", "Alexandre", "Oleksandr"), ()),
    "Евгений": (("Yevgeniy", "Evgeny", "Eugene", "Evgenii", "Yevgeny", "Jewgeni"), ()),
    "Юрий": (("Yuri", "Yury", "Iurii", "Juri", "Yuriy"), ()),
    "Дмитрий": (("Dmitry", "Dmitri", "Dmitrii", "Dimitri", "Dmitriy"), ()),
    "Сергей": (("Sergei", "Sergey", "Serge", "Sergiy"), ()),
    "Андрей": (("Andrei", "Andrey", "Andrew", "Andrej"), ()),
    "Алексей": (("Alexei", "Alexey", "Aleksey", "Aleksei"), ()),
    "Михаил": (("Mikhail", "Michael", "Michail", "Mikhael"), ()),
    "Николай": (("Nikolai", "Nikolay", "Nicholas", "Nicolai"), ()),
    "Пётр": (("Pyotr", "Petr", "Peter", "Piotr"), ("Петр",)),
    "Фёдор": (("Fyodor", "Fedor", "Theodor", "Fiodor"), ("Федор",)),
    "Артём": (("Artyom", "Artem", "Artiom"), ("Артем",)),
    "Семён": (("Semyon", "Semen", "Simon"), ("Семен",)),
    "Павел": (("Pavel", "Paul"), ()),
    "Георгий": (("Georgy", "Georgiy", "George", "Giorgi"), ("Гиорги",)),
    "Давид": (("David", "Davit", "Dawid"), ("Давит",)),
    "Юсуф": (("Yusuf", "Yusup", "Yusif", "Iusuf"), ("Юсуп", "Юсиф")),
    "Ибрагим": (("Ibrahim", "Ibragim", "Ibrohim", "Ebrahim"), ("Ибрахим",)),
    "Ахмед": (("Ahmed", "Ahmad", "Akhmed", "Akhmad", "Ahmet"), ("Ахмад",)),
    "Ахмад": (("Ahmad", "Ahmed", "Akhmad", "Akhmed"), ("Ахмед",)),
    "Гусейн": (("Huseyn", "Husein", "Gusein", "Hussein", "Guseyn"), ("Хусейн",)),
    "Гасан": (("Hasan", "Hassan", "Gasan", "Khasan"), ("Хасан",)),
    "Елена": (("Elena", "Yelena", "Helen", "Helena", "Jelena"), ()),
    "Наталья": (("Natalia", "Natalya", "Natalie", "Nataliya"), ("Наталия",)),
    "Мария": (("Maria", "Mariya", "Marie", "Mary"), ()),
    "Екатерина": (("Ekaterina", "Yekaterina", "Katerina", "Catherine"), ()),
    "Юлия": (("Yulia", "Julia", "Iuliia", "Yuliya"), ()),
    "Татьяна": (("Tatiana", "Tatyana", "Tatjana"), ()),
    "Ирина": (("Irina", "Iryna"), ()),
    "Анастасия": (("Anastasia", "Anastasiya"), ()),
    "Ольга": (("Olga", "Olha"), ()),
    "Софья": (("Sofia", "Sofya", "Sophia"), ("София",)),
    "Мадина": (("Madina", "Medina"), ()),
    "Фотима": (("Fotima", "Fatima", "Fatma"), ("Фатима",)),
    "Хадиджа": (("Khadija", "Hadija", "Xadicha"), ("Хадижа",)),
    "Нурсултан": (("Nursultan", "Noursoultan", "Nursulton"), ()),
}


# ---------------------------------------------------------------------------
# Transliteration
# ---------------------------------------------------------------------------
_CYR_VOWELS = frozenset("аеёиоуыэюяәөұүіӣӯ")
_SOFTENERS = frozenset("ъьй")

Rule = Callable[[str, str, str], str | None]


def _translit(text: str, table: dict[str, str], rule: Rule | None = None) -> str:
    """Map each character of lower-case ``text`` through ``table``.

    ``rule(prev, char, next)`` may return a context-dependent replacement first.
    Characters not in the table are kept.
    """
    out: list[str] = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        mapped = rule(prev, ch, nxt) if rule else None
        out.append(mapped if mapped is not None else table.get(ch, ch))
    return "".join(out)


def _word_start_or_after_vowel(prev: str) -> bool:
    return not prev.isalpha() or prev in _CYR_VOWELS or prev in _SOFTENERS


def _at_word_end(nxt: str) -> bool:
    return not nxt.isalpha()


def _table(pairs: str) -> dict[str, str]:
    """Build a table from "а=a б=b ..." (an empty right side drops the letter)."""
    out: dict[str, str] = {}
    for item in pairs.split():
        key, _, value = item.partition("=")
        out[key] = value
    return out


_RU_COMMON = "а=a б=b в=v г=g д=d з=z и=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f"

ICAO = _table(_RU_COMMON + " е=e ё=e ж=zh й=i х=kh ц=ts ч=ch ш=sh щ=shch ъ=ie ы=y ь= э=e ю=iu я=ia")
_ICAO_KAZAKH = _table("ә=a ғ=g қ=k ң=n ө=o ұ=u ү=u һ=h і=i")
_TJ_PASSPORT = _table("ғ=gh ӣ=i қ=q ӯ=u ҳ=h ҷ=j")
BGN = _table(_RU_COMMON + " е=e ё=ë ж=zh й=y х=kh ц=ts ч=ch ш=sh щ=shch ъ=” ы=y ь=’ э=e ю=yu я=ya")
GOST_B = _table(
    _RU_COMMON + " е=e ё=yo ж=zh й=j х=x ц=cz ч=ch ш=sh щ=shh ъ=`` ы=y` ь=` э=e` ю=yu я=ya"
)
ISO9 = _table(_RU_COMMON + " е=e ё=ë ж=ž й=j х=h ц=c ч=č ш=š щ=ŝ ъ=ʺ ы=y ь=ʹ э=è ю=û я=â")
FRENCH = _table(
    "а=a б=b в=v г=g д=d з=z и=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=ou ф=f "
    "е=e ё=io ж=j й=ï х=kh ц=ts ч=tch ш=ch щ=chtch ъ= ы=y ь= э=e ю=iou я=ia"
)
GERMAN = _table(
    "а=a б=b в=w г=g д=d з=s и=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f "
    "е=e ё=jo ж=sch й=i х=ch ц=z ч=tsch ш=sch щ=schtsch ъ= ы=y ь= э=e ю=ju я=ja"
)
AZ_FROM_RU = _table(_RU_COMMON + " е=e ё=yo ж=j й=y х=x ц=ts ч=ç ш=ş щ=şç ъ= ы=ı ь= э=e ю=yu я=ya")
UZ_FROM_RU = _table(
    _RU_COMMON + " е=e ё=yo ж=j й=y х=x ц=ts ч=ch ш=sh щ=shch ъ=ʼ ы=i ь= э=e ю=yu я=ya"
)
TK_FROM_RU = _table(
    "а=a б=b в=w г=g д=d з=z и=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f "
    "е=e ё=ýo ж=ž й=ý х=h ц=ts ч=ç ш=ş щ=şç ъ= ы=y ь= э=e ю=ýu я=ýa"
)
KK_LATIN = _table(
    _RU_COMMON + " е=e ё=io ж=j й=i х=h ц=ts ч=ç ш=ş щ=şş ъ= ы=y ь= э=e ю=iu я=ia "
    "ә=ä ғ=ğ қ=q ң=ñ ө=ö ұ=ū ү=ü һ=h і=ı"
)


def icao(text: str) -> str:
    """ICAO Doc 9303 part 3 (Russian passports since 2013)."""
    return _translit(text, ICAO)


def kz_passport(text: str) -> str:
    """ICAO letters with Kazakh/Kyrgyz letters folded, as in their passports."""
    return _translit(text, {**ICAO, **_ICAO_KAZAKH})


def tj_passport(text: str) -> str:
    """Tajik national romanisation for passports (ICAO letters otherwise)."""
    return _translit(text, {**ICAO, **_TJ_PASSPORT})


def _bgn_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "е" and _word_start_or_after_vowel(prev):
        return "ye"
    if ch == "ё" and _word_start_or_after_vowel(prev):
        return "yë"
    # a middle dot keeps letter groups that would read as one digraph apart
    if (ch, nxt) == ("т", "с"):
        return "t·"
    if (ch, nxt) == ("ш", "ч"):
        return "sh·"
    if ch == "й" and nxt in ("а", "у", "ы", "э"):
        return "y·"
    if ch == "ы" and nxt in ("а", "у", "ы", "э"):
        return "y·"
    return None


def bgn_pcgn(text: str) -> str:
    """BGN/PCGN 1947 romanisation of Russian."""
    return _translit(text, BGN, _bgn_rule)


def _gost_rule(_prev: str, ch: str, nxt: str) -> str | None:
    if ch == "ц" and nxt in ("е", "и", "ы", "й", "ё", "ю", "я"):
        return "c"
    return None


def gost_b(text: str) -> str:
    """GOST 7.79-2000 system B."""
    return _translit(text, GOST_B, _gost_rule)


def iso9(text: str) -> str:
    """ISO 9:1995 (= GOST 7.79-2000 system A) for Russian letters."""
    return _translit(text, ISO9)


def _between_vowels(prev: str, nxt: str) -> bool:
    return prev in _CYR_VOWELS and nxt in _CYR_VOWELS


def _french_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "г" and nxt in ("е", "и", "ы", "э", "ё"):
        return "gu"
    if ch == "с" and _between_vowels(prev, nxt):
        return "ss"
    if ch == "е" and prev in _CYR_VOWELS:
        return "ïe"  # Andreïev, Sergueïevitch
    if ch == "и" and prev in ("а", "о", "у", "е") and not _at_word_end(nxt):
        return "ï"
    if ch == "й" and prev == "и" and _at_word_end(nxt):
        return ""  # -ий -> -i (Vassili, Dmitri)
    if ch == "й" and prev == "ы" and _at_word_end(nxt):
        return ""
    return None


def french(text: str) -> str:
    """French usage for Russian names (Abdoullaev, Moukhammad, Tchaïkovski)."""
    return _translit(text, FRENCH, _french_rule)


def _german_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "е" and _word_start_or_after_vowel(prev):
        return "je"
    if ch == "с" and _between_vowels(prev, nxt):
        return "ss"
    if ch == "й":
        if prev == "и" and _at_word_end(nxt):
            return ""  # -ий -> -i (Juri, Dmitri)
        return "j" if nxt in _CYR_VOWELS else "i"
    if ch == "ь" and nxt in ("е", "я", "ю", "ё"):
        return ""  # the vowel after it gets its j: Jurjewitsch, Natalja
    if ch == "ь" and nxt in ("и", "о"):
        return "j"  # Iljin
    if ch == "ё" and prev in ("ж", "ч", "ш", "щ"):
        return "o"
    return None


def german(text: str) -> str:
    """German (Duden) usage for Russian names (Abdullajew, Muchammad, Juri)."""
    return _translit(text, GERMAN, _german_rule)


def _ye_rule(ye: str) -> Rule:
    def rule(prev: str, ch: str, _nxt: str) -> str | None:
        if ch == "е" and _word_start_or_after_vowel(prev):
            return ye
        return None

    return rule


def _az_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "г":
        return "g" if nxt in ("е", "и", "э", "ё", "ю", "я", "ь") else "q"
    return _ye_rule("ye")(prev, ch, nxt)


def az_from_ru(text: str) -> str:
    """A Russian name written in the Azerbaijani Latin alphabet."""
    return _translit(text.replace("дж", "ҷ"), {**AZ_FROM_RU, "ҷ": "c"}, _az_rule)


def uz_from_ru(text: str) -> str:
    """A Russian name written in the Uzbek Latin alphabet."""
    return _translit(text, UZ_FROM_RU, _ye_rule("ye"))


def tk_from_ru(text: str) -> str:
    """A Russian name written in the Turkmen Latin alphabet."""
    return _translit(text.replace("дж", "ҷ"), {**TK_FROM_RU, "ҷ": "j"}, _ye_rule("ýe"))


def kk_latin(text: str) -> str:
    """Kazakh Latin alphabet of 2021 (Kazakh or Russian Cyrillic input)."""
    return _translit(text, KK_LATIN)


# Uzbek Latin <-> Cyrillic (official correspondence) ---------------------------
_UZ_APOSTROPHES = "ʻʼ'’‘`"
_UZ_DIGRAPHS = (
    ("oʻ", "ў"),
    ("gʻ", "ғ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("yo", "ё"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ts", "ц"),
)
_UZ_LETTERS = _table(
    "a=а b=б d=д e=е f=ф g=г h=ҳ i=и j=ж k=к l=л m=м n=н o=о p=п q=қ r=р s=с t=т u=у "
    "v=в x=х y=й z=з ʼ=ъ"
)
_UZ_VOWELS = frozenset("aeiouаеиоуўэ")


def _uz_normalise(text: str) -> str:
    for ch in _UZ_APOSTROPHES:
        if ch != "ʻ":
            text = text.replace("o" + ch, "oʻ").replace("g" + ch, "gʻ")
    return text.replace("’", "ʼ").replace("'", "ʼ")


def uz_latin_to_cyrl(text: str) -> str:
    """Uzbek Latin to Uzbek Cyrillic, letter by letter (lower case)."""
    text = _uz_normalise(text)
    out: list[str] = []
    i = 0
    while i < len(text):
        two = text[i : i + 2]
        prev = out[-1] if out else ""
        if text[i : i + 3] in ("yoʻ", "yuʻ"):  # Yoʻldoshev: й + ў, not ё
            out.append("й")
            i += 1
            continue
        if two == "ye" and (not prev or prev in _UZ_VOWELS or not prev.isalpha()):
            out.append("е")
            i += 2
            continue
        for latin, cyr in _UZ_DIGRAPHS:
            if two == latin:
                out.append(cyr)
                i += 2
                break
        else:
            ch = text[i]
            if ch == "e" and (not prev or not prev.isalpha()):
                out.append("э")
            else:
                out.append(_UZ_LETTERS.get(ch, ch))
            i += 1
    return "".join(out)


def uz_passport(text: str) -> str:
    """Uzbek Latin without modifier letters (oʻ -> o, gʻ -> g, ʼ dropped)."""
    text = _uz_normalise(text)
    return text.replace("ʻ", "").replace("ʼ", "")


_UZ_CYRL_TO_RU = _table("ў=у қ=к ғ=г ҳ=х ъ=")
_KK_TO_RU = _table("ә=а ғ=г қ=к ң=н ө=о ұ=у ү=у һ=х і=и")
_TG_TO_RU = _table("ғ=г ӣ=и қ=к ӯ=у ҳ=х ҷ=дж")


def fold_to_russian(text: str) -> str:
    """Russian spelling of Kazakh, Kyrgyz, Tajik or Uzbek Cyrillic (letters folded)."""
    return _translit(text, {**_KK_TO_RU, **_TG_TO_RU, **_UZ_CYRL_TO_RU})


# Azerbaijani ------------------------------------------------------------------
_AZ_TO_RU = _table(
    "a=а b=б c=дж ç=ч d=д e=е ə=а f=ф g=г ğ=г h=г x=х ı=ы i=и j=ж k=к q=к l=л m=м n=н "
    "o=о ö=ё p=п r=р s=с ş=ш t=т u=у ü=ю v=в y=й z=з"
)


def _az_ru_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "e" and not prev.isalpha():
        return "э"
    if ch == "y" and nxt in ("e", "ə"):
        return ""  # -yev -> -ев
    if ch == "ə" and prev == "y":
        return "е"
    if ch in ("ö", "ü") and (not prev.isalpha() or prev in "aeıiouəöü"):
        return {"ö": "о", "ü": "у"}[ch]
    return None


def az_to_russian(text: str) -> str:
    """Russian spelling of an Azerbaijani name, by rule (the lists give the usual ones)."""
    return _translit(text.replace("İ", "i").lower(), _AZ_TO_RU, _az_ru_rule)


def az_passport(text: str) -> str:
    """English-style spelling of an Azerbaijani name (Cəfərov -> Jafarov, Quliyev -> Guliyev)."""
    table = _table("ə=a c=j ç=ch ğ=gh ı=i ş=sh x=kh q=g ö=o ü=u j=zh")
    return _translit(text.replace("İ", "i").lower(), table)


# Turkmen ------------------------------------------------------------------------
_TK_TO_RU = _table(
    "a=а ä=я b=б ç=ч d=д e=е f=ф g=г h=х i=и j=дж ž=ж k=к l=л m=м n=н ň=н o=о ö=о "
    "p=п r=р s=с ş=ш t=т u=у ü=ю w=в y=ы ý=й z=з"
)


_TK_RU_SEQUENCES = (("ýe", "е"), ("ýa", "я"), ("ýu", "ю"), ("ýo", "ё"))


def tk_to_russian(text: str) -> str:
    """Russian spelling of a Turkmen name, by rule."""
    text = text.lower()
    for turkmen, russian in _TK_RU_SEQUENCES:
        text = text.replace(turkmen, russian)
    return _translit(text, _TK_TO_RU)


def tk_passport(text: str) -> str:
    """English-style ASCII spelling of Turkmen (ş sh, ç ch, ý y, ž zh, ň n)."""
    return _translit(text.lower(), _table("ä=a ç=ch ň=n ö=o ş=sh ü=u ý=y ž=zh"))


# Armenian -----------------------------------------------------------------------
_HY_BASE = _table(
    "ա=a բ=b գ=g դ=d զ=z ժ=zh ի=i լ=l խ=kh ծ=ts կ=k հ=h ձ=dz ղ=gh ճ=ch մ=m յ=y ն=n "
    "շ=sh պ=p ջ=j ռ=r ս=s վ=v տ=t ր=r ֆ=f օ=o է=e ը=y"
)
_HY_NATIONAL = {**_HY_BASE, **_table("թ=t չ=ch ց=ts փ=p ք=k ե=e ո=o և=ev")}
_HY_BGN = {**_HY_BASE, **_table("թ=t’ չ=ch’ ց=ts’ փ=p’ ք=k’ ե=e ո=o և=ev")}
_HY_ISO = _table(
    "ա=a բ=b գ=g դ=d ե=e զ=z է=ē ը=ə թ=tʼ ժ=ž ի=i լ=l խ=x ծ=c կ=k հ=h ձ=j ղ=ł ճ=č "
    "մ=m յ=y ն=n շ=š ո=o չ=čʼ պ=p ջ=ǰ ռ=ṙ ս=s վ=v տ=t ր=r ց=cʼ ւ=w փ=pʼ ք=kʼ և=ew "
    "օ=ō ֆ=f"
)


def _hy_national_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "ո" and nxt == "ւ":
        return "u"
    if ch == "ւ" and prev == "ո":
        return ""
    if ch == "ե" and not prev.isalpha():
        return "ye"
    if ch == "ո" and not prev.isalpha():
        return "vo"
    if ch == "և" and not prev.isalpha():
        return "yev"
    return None


def hy_national(text: str) -> str:
    """Armenian passport romanisation (no apostrophes)."""
    return _translit(text, _HY_NATIONAL, _hy_national_rule)


def hy_bgn(text: str) -> str:
    """BGN/PCGN 1981 for Armenian."""
    return _translit(text, _HY_BGN, _hy_national_rule)


def hy_iso(text: str) -> str:
    """ISO 9985 for Armenian (ու -> ow)."""
    return _translit(text, _HY_ISO)


_HY_TO_RU = _table(
    "ա=а բ=б գ=г դ=д ե=е զ=з է=э ը=ы թ=т ժ=ж ի=и լ=л խ=х ծ=ц կ=к հ=г ձ=дз ղ=г ճ=ч մ=м "
    "յ=й ն=н շ=ш ո=о չ=ч պ=п ջ=дж ռ=р ս=с վ=в տ=т ր=р ց=ц փ=п ք=к և=ев օ=о ֆ=ф"
)


_HY_RU_SEQUENCES = (("յու", "ю"), ("յա", "я"), ("յո", "ё"), ("ու", "у"))


def _hy_ru_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "հ" and not prev.isalpha():
        return "" if nxt in "աեէըիոօюяу" else "г"  # Հայկ -> Айк, Հրանտ -> Грант
    if ch == "ո" and not prev.isalpha():
        return "во"
    return None


def hy_to_russian(text: str) -> str:
    """Russian spelling of an Armenian name, by rule (the lists give the usual ones)."""
    for armenian, russian in _HY_RU_SEQUENCES:
        text = text.replace(armenian, russian)
    return _translit(text, _HY_TO_RU, _hy_ru_rule)


# Georgian -----------------------------------------------------------------------
_KA_NATIONAL = _table(
    "ა=a ბ=b გ=g დ=d ე=e ვ=v ზ=z თ=t ი=i კ=k’ ლ=l მ=m ნ=n ო=o პ=p’ ჟ=zh რ=r ს=s ტ=t’ "
    "უ=u ფ=p ქ=k ღ=gh ყ=q’ შ=sh ჩ=ch ც=ts ძ=dz წ=ts’ ჭ=ch’ ხ=kh ჯ=j ჰ=h"
)
_KA_ISO = _table(
    "ა=a ბ=b გ=g დ=d ე=e ვ=v ზ=z თ=t' ი=i კ=k ლ=l მ=m ნ=n ო=o პ=p ჟ=ž რ=r ს=s ტ=t "
    "უ=u ფ=p' ქ=k' ღ=ğ ყ=q შ=š ჩ=č' ც=c' ძ=j წ=c ჭ=č ხ=x ჯ=ǰ ჰ=h"
)
_KA_TO_RU = _table(
    "ა=а ბ=б გ=г დ=д ე=е ვ=в ზ=з თ=т ი=и კ=к ლ=л მ=м ნ=н ო=о პ=п ჟ=ж რ=р ს=с ტ=т "
    "უ=у ფ=п ქ=к ღ=г ყ=к შ=ш ჩ=ч ც=ц ძ=дз წ=ц ჭ=ч ხ=х ჯ=дж ჰ=х"
)


def ka_national(text: str) -> str:
    """Georgian national romanisation of 2002 (= BGN/PCGN 2009)."""
    return _translit(text, _KA_NATIONAL)


def ka_passport(text: str) -> str:
    """Georgian national romanisation without apostrophes, as in passports."""
    return ka_national(text).replace("’", "")


def ka_iso(text: str) -> str:
    """ISO 9984 for Georgian."""
    return _translit(text, _KA_ISO)


def _ka_ru_rule(prev: str, ch: str, nxt: str) -> str | None:
    if ch == "ე" and not prev.isalpha():
        return "э"
    if ch == "ა" and prev == "ი" and _at_word_end(nxt):
        return "я"  # -ია -> -ия
    return None


def ka_to_russian(text: str) -> str:
    """Russian spelling of a Georgian name, by rule (the lists give the usual ones)."""
    return _translit(text, _KA_TO_RU, _ka_ru_rule)


# ---------------------------------------------------------------------------
# Names of persons
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NameEntry:
    """One name: as written at home (``native``) and in Russian (``ru``)."""

    native: str
    ru: str


def _capitalise(text: str) -> str:
    """Upper-case the first letter only (Georgian has no case and stays as it is)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text


def _faker_names(locale: str, attribute: str) -> list[str]:
    module = importlib.import_module(f"faker.providers.person.{locale}")
    return [str(name) for name in getattr(module.Provider, attribute)]


@dataclass(frozen=True)
class NameList:
    """Names, most common first; the first ``head`` are the hand-written common ones."""

    entries: list[NameEntry]
    head: int


def _entries(hand: str, to_russian: Callable[[str], str], tail: Sequence[str] = ()) -> NameList:
    """Hand-written names first (most common first), then a tail of rarer names."""
    out: list[NameEntry] = []
    seen: set[str] = set()
    hand_items = hand.split()
    head = 0
    for number, item in enumerate([*hand_items, *tail]):
        native, _, ru = item.partition(":")
        if native in seen or (not native.isalpha() and "ʻ" not in native and "’" not in native):
            continue
        seen.add(native)
        out.append(NameEntry(native, ru or _capitalise(to_russian(native.lower()))))
        if number < len(hand_items):
            head = len(out)
    return NameList(out, head or len(out))


def _uz_to_russian(text: str) -> str:
    return fold_to_russian(uz_latin_to_cyrl(text))


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Origin:
    """Where a person's name comes from, with its name lists and customs."""

    code: str
    native_script: str
    male: NameList
    female: NameList
    surnames: NameList  # male forms
    citizenship: tuple[tuple[str, float], ...]
    p_marker_patronymic: float  # Turkic "son of / daughter of" instead of -ovich
    weight: float


def _build_origins() -> dict[str, Origin]:
    ru_tail_m = _faker_names("ru_RU", "first_names_male")
    ru_tail_f = _faker_names("ru_RU", "first_names_female")
    origins = [
        Origin(
            "ru",
            "Cyrl",
            _entries(_RU_MALE, _identity, ru_tail_m),
            _entries(_RU_FEMALE, _identity, ru_tail_f),
            _entries("", _identity, _faker_names("ru_RU", "last_names_male")),
            (("RUS", 0.85), ("KAZ", 0.10), ("KGZ", 0.05)),
            0.0,
            0.28,
        ),
        Origin(
            "kk",
            "Cyrl",
            _entries(_KK_MALE, fold_to_russian),
            _entries(_KK_FEMALE, fold_to_russian),
            _entries(_KK_SURNAME, fold_to_russian),
            (("KAZ", 0.90), ("RUS", 0.10)),
            0.4,
            0.12,
        ),
        Origin(
            "ky",
            "Cyrl",
            _entries(_KY_MALE, fold_to_russian),
            _entries(_KY_FEMALE, fold_to_russian),
            _entries(_KY_SURNAME, fold_to_russian),
            (("KGZ", 0.90), ("RUS", 0.10)),
            0.3,
            0.05,
        ),
        Origin(
            "tg",
            "Cyrl",
            _entries(_TG_MALE, fold_to_russian),
            _entries(_TG_FEMALE, fold_to_russian),
            _entries(_TG_SURNAME, fold_to_russian),
            (("TJK", 0.85), ("RUS", 0.10), ("UZB", 0.05)),
            0.0,
            0.05,
        ),
        Origin(
            "uz",
            "Latn-uz",
            _entries(_UZ_MALE, _uz_to_russian, _faker_names("uz_UZ", "first_names_male")),
            _entries(_UZ_FEMALE, _uz_to_russian, _faker_names("uz_UZ", "first_names_female")),
            _entries(_UZ_SURNAME, _uz_to_russian, _faker_names("uz_UZ", "last_names_male")),
            (("UZB", 0.85), ("RUS", 0.10), ("KAZ", 0.05)),
            0.6,
            0.13,
        ),
        Origin(
            "az",
            "Latn-az",
            _entries(_AZ_MALE, az_to_russian, _faker_names("az_AZ", "first_names_male")),
            _entries(_AZ_FEMALE, az_to_russian, _faker_names("az_AZ", "first_names_female")),
            _entries(_AZ_SURNAME, az_to_russian, _faker_names("az_AZ", "last_names_male")),
            (("AZE", 0.85), ("RUS", 0.10), ("GEO", 0.05)),
            0.7,
            0.12,
        ),
        Origin(
            "tk",
            "Latn-tm",
            _entries(_TK_MALE, tk_to_russian),
            _entries(_TK_FEMALE, tk_to_russian),
            _entries(_TK_SURNAME, tk_to_russian),
            (("TKM", 0.90), ("RUS", 0.05), ("UZB", 0.05)),
            0.3,
            0.04,
        ),
        Origin(
            "hy",
            "Armn",
            _entries(_HY_MALE, hy_to_russian),
            _entries(_HY_FEMALE, hy_to_russian),
            _entries(_HY_SURNAME, hy_to_russian, _faker_names("hy_AM", "last_names")),
            (("ARM", 0.85), ("RUS", 0.12), ("GEO", 0.03)),
            0.0,
            0.11,
        ),
        Origin(
            "ka",
            "Geor",
            _entries(_KA_MALE, ka_to_russian, _faker_names("ka_GE", "first_names_male")),
            _entries(_KA_FEMALE, ka_to_russian, _faker_names("ka_GE", "first_names_female")),
            _entries(_KA_SURNAME, ka_to_russian, _faker_names("ka_GE", "last_names")),
            (("GEO", 0.95), ("RUS", 0.05)),
            0.0,
            0.10,
        ),
    ]
    return {origin.code: origin for origin in origins}


_CYR_FEMININE = (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая"), ("ый", "ая"), ("ий", "ая"))


def feminine_surname(surname: str) -> str:
    """Female form of a surname, Cyrillic or Latin (Иванов -> Иванова, Aliyev -> Aliyeva)."""
    low = surname.lower()
    for male, female in _CYR_FEMININE:
        if low.endswith(male) and len(low) > len(male) + 2:
            return surname[: -len(male)] + female
    if low.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if low.endswith(("ov", "ev", "ow", "ew", "in")):
        return surname + "a"
    return surname


_RU_SOFT_END = ("ж", "ш", "ч", "щ", "ц")


def russian_patronymic(father: str, sex: str) -> str:
    """Russian-style patronymic of a father's name in Cyrillic (Ахмед -> Ахмедович)."""
    if father in _RU_PATRONYMIC_IRREGULAR:
        male, female = _RU_PATRONYMIC_IRREGULAR[father]
        return male if sex == "M" else female
    suffix_m, suffix_f = "ович", "овна"
    stem = father
    low = father.lower()
    if low.endswith("ий") and low not in ("дмитрий", "георгий"):
        stem, suffix_m, suffix_f = father[:-2], "ьевич", "ьевна"
    elif low.endswith(("й", "ь")):
        stem, suffix_m, suffix_f = father[:-1], "евич", "евна"
    elif low[-1:] in _CYR_VOWELS or low.endswith(_RU_SOFT_END):
        suffix_m, suffix_f = "евич", "евна"
    return stem + (suffix_m if sex == "M" else suffix_f)


# Russian-style patronymic suffixes in Uzbek and Turkmen Latin:
# (after a consonant: male, female; after a vowel: male, female)
_LATIN_PATRONYMIC = {
    "uz": ("ovich", "ovna", "yevich", "yevna"),
    "tk": ("owiç", "owna", "ýewiç", "ýewna"),
}
_LATIN_VOWELS = frozenset("aeiouäöüəıy")


def latin_patronymic(father: str, sex: str, suffixes: tuple[str, str, str, str]) -> str:
    """Russian-style patronymic in Latin letters (Ahmad -> Ahmadovich, Abdulla -> Abdullayevich)."""
    after_vowel = father[-1:].lower() in _LATIN_VOWELS
    index = (2 if after_vowel else 0) + (0 if sex == "M" else 1)
    return father + suffixes[index]


# ---------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------
@dataclass
class Person:
    pid: str
    origin: str
    sex: str
    given: NameEntry
    father: NameEntry
    surname: NameEntry  # male form
    marker_patronymic: bool
    birth: dt.date
    citizenship: str
    passports: list[str]
    relation: str = ""
    popularity_decile: int = 0

    def surname_forms(self) -> NameEntry:
        if self.sex == "M":
            return self.surname
        return NameEntry(feminine_surname(self.surname.native), feminine_surname(self.surname.ru))

    def patronymic(self) -> tuple[str | None, str]:
        """(native patronymic or None, Russian-spelling patronymic)."""
        o, f, sex = self.origin, self.father, self.sex
        male = sex == "M"
        if o in ("hy", "ka"):
            return None, russian_patronymic(f.ru, sex)
        if o in ("ru", "kk", "ky", "tg"):
            if self.marker_patronymic and o == "kk":
                native = f.native + ("ұлы" if male else "қызы")
            elif self.marker_patronymic:
                native = f.native + (" уулу" if male else " кызы")
            else:
                native = russian_patronymic(f.native, sex)
            return native, fold_to_russian(native)
        marker = {
            "uz": ("oʻgʻli", "qizi", "угли", "кизи"),
            "az": ("oğlu", "qızı", "оглы", "кызы"),
            "tk": ("ogly", "gyzy", "оглы", "кызы"),
        }[o]
        native = f"{f.native} {marker[0] if male else marker[1]}"
        if self.marker_patronymic:
            return native, f"{f.ru} {marker[2] if male else marker[3]}"
        ru = russian_patronymic(f.ru, sex)
        if o in _LATIN_PATRONYMIC:  # Soviet-style patronymic kept in the Latin alphabet
            native = latin_patronymic(f.native, sex, _LATIN_PATRONYMIC[o])
        return native, ru  # Azerbaijani documents write oğlu / qızı in any case


# ---------------------------------------------------------------------------
# Standards and who uses them
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Standard:
    name: str
    script: str  # "native" means the origin's own script
    source: str  # "native" or "ru": which spelling the standard is applied to
    function: Callable[[str], str]


def _std(name: str, script: str, source: str, function: Callable[[str], str]) -> Standard:
    return Standard(name, script, source, function)


STANDARDS: dict[str, Standard] = {
    s.name: s
    for s in (
        _std("native", "native", "native", _identity),
        _std("ru-form", "Cyrl", "ru", _identity),
        _std("uz-cyrl", "Cyrl", "native", uz_latin_to_cyrl),
        _std("icao-9303", "Latn", "ru", icao),
        _std("bgn-pcgn", "Latn", "ru", bgn_pcgn),
        _std("gost-7.79-b", "Latn", "ru", gost_b),
        _std("iso-9", "Latn", "ru", iso9),
        _std("fr", "Latn", "ru", french),
        _std("de", "Latn", "ru", german),
        _std("az-latin", "Latn-az", "ru", az_from_ru),
        _std("uz-latin", "Latn-uz", "ru", uz_from_ru),
        _std("tk-latin", "Latn-tm", "ru", tk_from_ru),
        _std("kk-latin-2021", "Latn-kz", "ru", kk_latin),
        _std("kk-latin-2021/native", "Latn-kz", "native", kk_latin),
        _std("kz-passport", "Latn", "native", kz_passport),
        _std("tj-passport", "Latn", "native", tj_passport),
        _std("uz-passport", "Latn", "native", uz_passport),
        _std("az-passport", "Latn", "native", az_passport),
        _std("tk-passport", "Latn", "native", tk_passport),
        _std("hy-national", "Latn", "native", hy_national),
        _std("hy-bgn-pcgn", "Latn", "native", hy_bgn),
        _std("hy-iso-9985", "Latn", "native", hy_iso),
        _std("ka-national", "Latn", "native", ka_national),
        _std("ka-passport", "Latn", "native", ka_passport),
        _std("ka-iso-9984", "Latn", "native", ka_iso),
    )
}

_RU_STANDARDS = (("icao-9303", 0.12), ("bgn-pcgn", 0.05), ("gost-7.79-b", 0.02))
_RU_STANDARDS += (("iso-9", 0.02), ("fr", 0.04), ("de", 0.04))

# origin -> (standard, weight); weights need not sum to one
ORIGIN_STANDARDS: dict[str, tuple[tuple[str, float], ...]] = {
    "ru": (
        ("native", 0.30),
        ("icao-9303", 0.25),
        ("bgn-pcgn", 0.10),
        ("gost-7.79-b", 0.05),
        ("iso-9", 0.04),
        ("fr", 0.06),
        ("de", 0.06),
        ("az-latin", 0.04),
        ("uz-latin", 0.04),
        ("kk-latin-2021", 0.03),
        ("tk-latin", 0.03),
    ),
    "kk": (
        ("native", 0.28),
        ("ru-form", 0.10),
        ("kk-latin-2021/native", 0.10),
        ("kz-passport", 0.18),
        *_RU_STANDARDS,
        ("uz-latin", 0.02),
        ("tk-latin", 0.03),
    ),
    "ky": (
        ("native", 0.30),
        ("ru-form", 0.10),
        ("kz-passport", 0.22),
        ("kk-latin-2021/native", 0.04),
        *_RU_STANDARDS,
        ("tk-latin", 0.02),
    ),
    "tg": (
        ("native", 0.30),
        ("ru-form", 0.12),
        ("tj-passport", 0.22),
        *_RU_STANDARDS,
        ("uz-latin", 0.04),
    ),
    "uz": (
        ("native", 0.30),
        ("uz-cyrl", 0.10),
        ("ru-form", 0.14),
        ("uz-passport", 0.16),
        *_RU_STANDARDS,
        ("kk-latin-2021", 0.03),
        ("tk-latin", 0.01),
    ),
    "az": (
        ("native", 0.30),
        ("az-passport", 0.15),
        ("ru-form", 0.18),
        *_RU_STANDARDS,
        ("uz-latin", 0.03),
        ("tk-latin", 0.02),
        ("kk-latin-2021", 0.02),
    ),
    "tk": (
        ("native", 0.30),
        ("tk-passport", 0.15),
        ("ru-form", 0.18),
        *_RU_STANDARDS,
        ("uz-latin", 0.04),
        ("az-latin", 0.03),
    ),
    "hy": (
        ("native", 0.30),
        ("hy-national", 0.20),
        ("hy-bgn-pcgn", 0.05),
        ("hy-iso-9985", 0.03),
        ("ru-form", 0.18),
        *_RU_STANDARDS,
        ("uz-latin", 0.02),
    ),
    "ka": (
        ("native", 0.30),
        ("ka-passport", 0.20),
        ("ka-national", 0.05),
        ("ka-iso-9984", 0.03),
        ("ru-form", 0.18),
        *_RU_STANDARDS,
        ("az-latin", 0.02),
    ),
}


# ---------------------------------------------------------------------------
# Sampling helpers
# ---------------------------------------------------------------------------
def _zipf_cum(n: int, head: int, s: float, q: float) -> list[float]:
    total = 0.0
    cum: list[float] = []
    for rank in range(n):
        total += (1.0 if rank < head else TAIL_WEIGHT) / (rank + q) ** s
        cum.append(total)
    return cum


class _Pool:
    def __init__(self, names: NameList, zipf: tuple[float, float]) -> None:
        self.entries = names.entries
        self.cum = _zipf_cum(len(names.entries), names.head, *zipf)

    def draw(self, rng: random.Random) -> NameEntry:
        return rng.choices(self.entries, cum_weights=self.cum)[0]


def _weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


_UPPER = "ABCDEFGHJKLMNPRSTUVXYZ"


def _passport_number(rng: random.Random, citizenship: str) -> str:
    """A made-up document number in the country's usual shape (no real series)."""
    digits = "0123456789"

    def d(n: int) -> str:
        return "".join(rng.choice(digits) for _ in range(n))

    def letters(n: int) -> str:
        return "".join(rng.choice(_UPPER) for _ in range(n))

    if citizenship == "RUS":
        return d(10) if rng.random() < 0.5 else d(9)
    if citizenship == "KAZ":
        return "N" + d(8)
    if citizenship in ("UZB", "ARM", "KGZ"):
        return letters(2) + d(7)
    if citizenship == "AZE":
        return "C" + d(8)
    if citizenship == "GEO":
        return d(2) + letters(2) + d(5)
    if citizenship == "TJK":
        return "4" + d(8)
    return "A" + d(7)  # TKM


def _next_number(passport: str) -> str:
    """The passport number one higher (twins' documents issued together)."""
    head = passport.rstrip("0123456789")
    tail = passport[len(head) :]
    return head + str(int(tail) + 1).zfill(len(tail))[-len(tail) :]


# ---------------------------------------------------------------------------
# Population
# ---------------------------------------------------------------------------
class _Population:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.origins = _build_origins()
        self.pools = {
            code: (
                _Pool(o.male, ZIPF_GIVEN),
                _Pool(o.female, ZIPF_GIVEN),
                _Pool(o.surnames, ZIPF_SURNAME),
            )
            for code, o in self.origins.items()
        }
        self.persons: list[Person] = []

    def _new_passports(self, citizenship: str) -> list[str]:
        return [_passport_number(self.rng, citizenship) for _ in range(2)]

    def fresh(self) -> Person:
        rng = self.rng
        origin_code = _weighted(rng, [(c, o.weight) for c, o in self.origins.items()])
        origin = self.origins[origin_code]
        male_pool, female_pool, surname_pool = self.pools[origin_code]
        sex = "M" if rng.random() < 0.5 else "F"
        citizenship = _weighted(rng, origin.citizenship)
        return Person(
            pid=f"P{len(self.persons):06d}",
            origin=origin_code,
            sex=sex,
            given=(male_pool if sex == "M" else female_pool).draw(rng),
            father=male_pool.draw(rng),
            surname=surname_pool.draw(rng),
            marker_patronymic=rng.random() < origin.p_marker_patronymic,
            birth=_random_date(rng, BIRTH_FIRST, BIRTH_LAST),
            citizenship=citizenship,
            passports=self._new_passports(citizenship),
        )

    def _other_given(self, base: Person, sex: str, avoid: NameEntry) -> NameEntry:
        male_pool, female_pool, _ = self.pools[base.origin]
        pool = male_pool if sex == "M" else female_pool
        for _ in range(20):
            given = pool.draw(self.rng)
            if given != avoid:
                return given
        return pool.entries[-1] if pool.entries[-1] != avoid else pool.entries[0]

    def relative(self, kind: str) -> Person | None:
        rng = self.rng
        if not self.persons:
            return None
        base = rng.choice(self.persons)
        person = self.fresh()
        person.pid = f"P{len(self.persons):06d}"
        person.origin = base.origin
        person.surname = base.surname
        person.marker_patronymic = base.marker_patronymic
        person.citizenship = base.citizenship
        person.passports = self._new_passports(base.citizenship)
        person.relation = f"{kind}:{base.pid}"
        if kind == "namesake":
            person.sex = base.sex
            person.given = base.given
            if rng.random() < 0.5:
                person.father = base.father
            else:
                person.father = self._other_given(base, "M", base.father)
        elif kind in ("sibling", "twin"):
            person.father = base.father
            person.sex = "M" if rng.random() < 0.5 else "F"
            person.given = self._other_given(base, person.sex, base.given)
            if kind == "twin":
                person.birth = base.birth
                person.passports[0] = _next_number(base.passports[0])
            else:
                shift = rng.randint(365, 12 * 365) * rng.choice((-1, 1))
                person.birth = min(
                    max(base.birth + dt.timedelta(days=shift), BIRTH_FIRST), BIRTH_LAST
                )
        elif kind == "child":
            for _ in range(10):
                if base.sex == "M":
                    break
                base = rng.choice(self.persons)
            else:
                return None
            person.origin = base.origin
            person.surname = base.surname
            person.marker_patronymic = base.marker_patronymic
            person.citizenship = base.citizenship
            person.passports = self._new_passports(base.citizenship)
            person.relation = f"{kind}:{base.pid}"
            person.father = base.given
            person.sex = "M" if rng.random() < 0.5 else "F"
            if person.sex == "M" and rng.random() < 0.2:
                person.given = base.father  # named after the grandfather
            else:
                person.given = self._other_given(base, person.sex, base.given)
            years = rng.randint(20, 40)
            person.birth = min(
                base.birth + dt.timedelta(days=365 * years + rng.randrange(365)), BIRTH_LAST
            )
        return person

    def build(self, n_persons: int) -> list[Person]:
        kinds = (
            ("namesake", P_NAMESAKE),
            ("sibling", P_SIBLING),
            ("twin", P_TWIN),
            ("child", P_CHILD),
        )
        while len(self.persons) < n_persons:
            roll = self.rng.random()
            person = None
            for kind, rate in kinds:
                if roll < rate:
                    person = self.relative(kind)
                    break
                roll -= rate
            if person is None:
                person = self.fresh()
            self.persons.append(person)
        self._popularity()
        return self.persons

    def _popularity(self) -> None:
        given_count = Counter((p.origin, p.given.native) for p in self.persons)
        surname_count = Counter((p.origin, p.surname.native) for p in self.persons)
        scores = pd.Series(
            [
                given_count[(p.origin, p.given.native)]
                * surname_count[(p.origin, p.surname.native)]
                for p in self.persons
            ],
            dtype="float64",
        )
        ranks = scores.rank(ascending=False, method="first")
        for person, rank in zip(self.persons, ranks, strict=True):
            person.popularity_decile = min(9, int((rank - 1) * 10 // len(self.persons)))


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
_CYR_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщыьэюя"
_LAT_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_ARM_ALPHABET = "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ"
_GEO_ALPHABET = "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ"


def _alphabet_of(text: str) -> str:
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            return _CYR_ALPHABET
        if "\u0530" <= ch <= "\u058f":
            return _ARM_ALPHABET
        if "\u10a0" <= ch <= "\u10ff":
            return _GEO_ALPHABET
    return _LAT_ALPHABET


def typo(rng: random.Random, word: str) -> str:
    """One insertion, deletion, substitution or transposition inside ``word``."""
    if len(word) < 4:
        return word
    alphabet = _alphabet_of(word)
    i = rng.randrange(1, len(word) - 1)  # keep the first letter: officers rarely miss it
    op = rng.choice(("insert", "delete", "substitute", "transpose"))
    if op == "insert":
        letter = word[i] if rng.random() < 0.5 else rng.choice(alphabet)
        return word[:i] + letter + word[i:]
    if op == "delete":
        return word[:i] + word[i + 1 :]
    if op == "substitute":
        choices = [c for c in alphabet if c != word[i].lower()]
        letter = rng.choice(choices)
        return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]
    if word[i] == word[i + 1 if i + 1 < len(word) else i - 1]:
        return word[:i] + word[i + 1 :]
    j = i + 1 if i + 1 < len(word) else i - 1
    a, b = sorted((i, j))
    return word[:a] + word[b] + word[a] + word[b + 1 :]


# Azerbaijani and Kazakh Latin keep the dot on capital İ (and write dotless ı as I)
_DOTTED_CAPITAL_I = frozenset({"Latn-az", "Latn-kz"})


def _upper(text: str, script: str) -> str:
    if script in _DOTTED_CAPITAL_I:
        text = text.replace("i", "İ")
    return text.upper()


def _apply(function: Callable[[str], str], text: str, standard: str, script: str) -> str:
    if standard == "native":
        return text
    out = function(text.lower())
    if script in _DOTTED_CAPITAL_I and out.startswith("i"):
        return "İ" + out[1:]
    return _capitalise(out)


_NATIVE_FAMILY = frozenset({"native", "ru-form", "uz-cyrl"})


def _format_date(rng: random.Random, date: dt.date, tags: list[str]) -> str:
    roll = rng.random()
    if roll < P_NO_DATE:
        tags.append("no_date")
        return ""
    roll -= P_NO_DATE
    if roll < P_YEAR_ONLY:
        tags.append("year_only")
        return f"{date.year:04d}"
    if rng.random() < P_DMY_SWAP and date.day <= 12 and date.day != date.month:
        date = date.replace(month=date.day, day=date.month)
        tags.append("dmy_swap")
    if rng.random() < P_YEAR_PM1:
        year = date.year + rng.choice((-1, 1))
        day = 28 if (date.month, date.day) == (2, 29) else date.day
        date = date.replace(year=year, day=day)
        tags.append("year_pm1")
    return date.strftime(_weighted(rng, DATE_FORMATS))


def _format_passport(rng: random.Random, person: Person, tags: list[str]) -> str:
    if rng.random() < P_NO_PASSPORT:
        tags.append("no_passport")
        return ""
    number = person.passports[0]
    if rng.random() < P_PP_OTHER:
        number = person.passports[1]
        tags.append("pp_other")
    if rng.random() < P_PP_DIGIT:
        positions = [i for i, c in enumerate(number) if c.isdigit()]
        i = rng.choice(positions)
        number = (
            number[:i] + rng.choice([d for d in "0123456789" if d != number[i]]) + number[i + 1 :]
        )
        tags.append("pp_digit")
    if rng.random() < P_PP_SWAP:
        pairs = [i for i in range(len(number) - 1) if number[i] != number[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            tags.append("pp_swap")
    if rng.random() < P_PP_SPACE:
        head = len(number.rstrip("0123456789"))
        if head:
            cut = head
        elif len(number) == 10:
            cut = 4
        else:
            cut = 2
        number = number[:cut] + " " + number[cut:]
        tags.append("pp_space")
    return number


def _other_citizenship(rng: random.Random, citizenship: str) -> str:
    options = ["RUS", "KAZ", "UZB", "KGZ", "AZE", "GEO", "ARM", "TJK", "TKM"]
    return rng.choice([c for c in options if c != citizenship])


def render(
    rng: random.Random, person: Person, origin: Origin
) -> tuple[dict[str, str], dict[str, str]]:
    """One record of ``person`` as an officer writes it, and its meta data."""
    tags: list[str] = []
    standard_key = _weighted(rng, ORIGIN_STANDARDS[person.origin])
    standard = STANDARDS[standard_key]
    script = origin.native_script if standard.script == "native" else standard.script
    surname_entry = person.surname_forms()
    native_patronymic, ru_patronymic = person.patronymic()
    if standard.source == "native":
        surname, given, patronymic = surname_entry.native, person.given.native, native_patronymic
    else:
        surname, given, patronymic = surname_entry.ru, person.given.ru, ru_patronymic
    surname = _apply(standard.function, surname, standard_key, script)
    given = _apply(standard.function, given, standard_key, script)
    native_family = standard_key in _NATIVE_FAMILY
    if patronymic is not None:
        keep = P_PATRONYMIC_NATIVE if native_family else P_PATRONYMIC_LATIN
        patronymic = (
            _apply(standard.function, patronymic, standard_key, script)
            if rng.random() < keep
            else None
        )

    variants = NAME_VARIANTS.get(person.given.ru)
    if variants and rng.random() < P_VARIANT and script not in ("Armn", "Geor"):
        forms = variants[1] if script == "Cyrl" else variants[0]
        forms = tuple(f for f in forms if f != given)
        if forms:
            given = rng.choice(forms)
            tags.append("variant")
    if rng.random() < P_TYPO:
        before = (surname, given)
        if rng.random() < 0.5 or len(given) < 4:
            surname = typo(rng, surname)
        else:
            given = typo(rng, given)
        if (surname, given) != before:
            tags.append("typo")
    if rng.random() < P_INITIAL:
        given = given[0] + "."
        if patronymic:
            patronymic = patronymic[0].upper() + "."
        tags.append("initial")

    order = _weighted(rng, NAME_ORDER["native" if native_family else "latin"])
    given_part = f"{given} {patronymic}" if patronymic else given
    if order == "SGP":
        full_name = f"{surname} {given_part}"
    elif order == "GPS":
        full_name = f"{given_part} {surname}"
    else:
        full_name = f"{_upper(surname, script) if script != 'Geor' else surname}, {given_part}"
    if rng.random() < P_UPPER and script != "Geor":
        full_name = _upper(full_name, script)
        tags.append("upper")

    birth_date = _format_date(rng, person.birth, tags)
    passport = _format_passport(rng, person, tags)
    roll = rng.random()
    if roll < P_NO_NAT:
        nationality = ""
        tags.append("no_nat")
    elif roll < P_NO_NAT + P_OTHER_NAT:
        nationality = _other_citizenship(rng, person.citizenship)
        tags.append("other_nat")
    else:
        nationality = person.citizenship
    sex = person.sex
    if rng.random() < P_NO_SEX:
        sex = ""
        tags.append("no_sex")

    row = {
        "full_name": full_name,
        "birth_date": birth_date,
        "sex": sex,
        "nationality": nationality,
        "passport": passport,
    }
    meta = {
        "script": script,
        "standard": standard_key.split("/")[0],
        "nationality": person.citizenship,
        "popularity_decile": str(person.popularity_decile),
        "origin": person.origin,
        "person_id": person.pid,
        "relation": person.relation.split(":")[0],
        "noise": ";".join(tags),
    }
    return row, meta


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
COLUMNS = ("id", "full_name", "birth_date", "sex", "nationality", "passport")
META_COLUMNS = (
    "script",
    "standard",
    "nationality",
    "popularity_decile",
    "origin",
    "person_id",
    "relation",
    "noise",
)


@dataclass(frozen=True)
class BenchmarkData:
    """Two tables of person records and the truth about which records match."""

    a: pd.DataFrame
    b: pd.DataFrame
    truth: set[tuple[str, str]]
    meta: pd.DataFrame


def generate(seed: int, n_persons: int = 5000) -> BenchmarkData:
    """Generate the labelled tables for ``seed`` (deterministic)."""
    rng = random.Random(seed)
    population = _Population(rng)
    persons = population.build(n_persons)

    a_rows: list[tuple[dict[str, str], dict[str, str], str]] = []
    b_rows: list[tuple[dict[str, str], dict[str, str], str]] = []
    for person in persons:
        origin = population.origins[person.origin]
        roll = rng.random()
        in_a = roll < P_IN_BOTH + P_A_ONLY
        in_b = roll < P_IN_BOTH or roll >= P_IN_BOTH + P_A_ONLY
        if in_a:
            row, meta = render(rng, person, origin)
            a_rows.append((row, meta, person.pid))
        if in_b:
            copies = 2 if rng.random() < P_B_DUPLICATE else 1
            for _ in range(copies):
                row, meta = render(rng, person, origin)
                b_rows.append((row, meta, person.pid))

    rng.shuffle(a_rows)
    rng.shuffle(b_rows)
    meta_rows: list[dict[str, str]] = []
    ids_of: dict[str, tuple[list[str], list[str]]] = {}

    def table(rows: list[tuple[dict[str, str], dict[str, str], str]], prefix: str) -> pd.DataFrame:
        records = []
        for number, (row, meta, pid) in enumerate(rows, start=1):
            rid = f"{prefix}{number:06d}"
            records.append({"id": rid, **row})
            meta_rows.append({"id": rid, **meta})
            ids_of.setdefault(pid, ([], []))[0 if prefix == "A" else 1].append(rid)
        frame = pd.DataFrame(records, columns=list(COLUMNS), dtype="string")
        return frame.mask(frame == "")  # a missing value is <NA>, as when read from CSV

    a = table(a_rows, "A")
    b = table(b_rows, "B")
    truth = {(a_id, b_id) for a_ids, b_ids in ids_of.values() for a_id in a_ids for b_id in b_ids}
    meta = pd.DataFrame(meta_rows, columns=["id", *META_COLUMNS]).set_index("id")
    meta["popularity_decile"] = meta["popularity_decile"].astype("int64")
    return BenchmarkData(a=a, b=b, truth=truth, meta=meta)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the cross-script benchmark tables as CSV.")
    parser.add_argument("out", type=Path, help="folder to write a.csv, b.csv, truth.csv, meta.csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--persons", type=int, default=5000)
    args = parser.parse_args(argv)
    data = generate(args.seed, args.persons)
    args.out.mkdir(parents=True, exist_ok=True)
    data.a.to_csv(args.out / "a.csv", index=False)
    data.b.to_csv(args.out / "b.csv", index=False)
    pd.DataFrame(sorted(data.truth), columns=["a_id", "b_id"]).to_csv(
        args.out / "truth.csv", index=False
    )
    data.meta.to_csv(args.out / "meta.csv")
    print(f"{len(data.a)} + {len(data.b)} records, {len(data.truth)} true pairs -> {args.out}")


if __name__ == "__main__":
    main()
