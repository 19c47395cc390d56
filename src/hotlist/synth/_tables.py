"""The data tables of the synthetic persons: common given and family names per
culture (with transliterations and spelling variants), notice types, offences
and cautions.  Literal data only; nothing here is real personal data."""

from __future__ import annotations

_NAMES = """
[german] latin 8 DEU:8 AUT:2 CHE:1
family: Müller|MUELLER|MULLER, Schmidt||SCHMITT, Schneider||SCHNEYDER, Fischer||FISHER,
    Weber||WEBBER, Meyer||MEIER, Wagner||WAGENER, Becker||BEKER, Schäfer|SCHAEFER|SCHAFER,
    Koch||KOCK, Bauer||BAUR, Richter, Klein||KLEIN, Wolf||WOLFF, Schröder|SCHROEDER|SCHRODER,
    Neumann||NEUMAN, Schwarz||SCHWARTZ, Zimmermann||ZIMMERMAN, Krüger|KRUEGER|KRUGER,
    Hoffmann||HOFMANN, Groß|GROSS|GROS, Köhler|KOEHLER|KOHLER, Weiß|WEISS|WEIS
male: Jürgen|JUERGEN|JURGEN, Thomas, Michael||MICHEL, Andreas, Stefan||STEPHAN, Klaus||CLAUS,
    Günter|GUENTER|GUNTHER, Lukas||LUCAS, Jörg|JOERG|JORG, Maximilian, Felix, Jan
female: Anna, Sabine, Ursula, Petra, Monika, Käthe|KAETHE|KATHE, Sophie||SOFIE, Jana, Lena, Birgit,
    Heike, Anja
[nordic] latin 4 SWE:4 NOR:3 DNK:3 ISL:1 FIN:2
family: Andersson||ANDERSON, Johansson||JOHANSON, Karlsson||CARLSSON, Nilsson||NILSON,
    Eriksson||ERIKSON, Larsson||LARSON, Jensen, Hansen||HANSSEN, Nielsen||NILSEN,
    Pedersen||PETERSEN, Øvergård|OEVERGAARD|OVERGARD, Ødegaard|OEDEGAARD|ODEGARD,
    Åberg|AABERG|ABERG, Söderström|SOEDERSTROEM|SODERSTROM, Lindqvist||LINDKVIST,
    Jónsdóttir|JONSDOTTIR|JONSDOTIR, Sigurðsson|SIGURDSSON|SIGURDSON, Virtanen, Korhonen
male: Lars, Erik||ERIC, Anders, Søren|SOEREN|SOREN, Bjørn|BJOERN|BJORN, Magnus,
    Ólafur|OLAFUR|OLAVUR, Mikko, Henrik||HENRIC
female: Åsa|AASA|ASA, Ingrid, Karin||CARIN, Sigríður|SIGRIDUR|SIGRID, Maja||MAIA, Linnea, Astrid,
    Helga, Kirsten||KIRSTIN
[french] latin 7 FRA:8 BEL:2 CHE:1 CAN:1
family: Martin, Bernard, Dubois||DUBOIT, Lefèvre|LEFEVRE|LEFEBVRE, Moreau||MOREAUX, Laurent, Girard,
    Roux||LEROUX, Fournier, Mercier, Bonnet, Lemaître|LEMAITRE|LEMETRE, Thibault||TIBAULT,
    Leclerc||LECLERCQ, Rousseau||ROUSSO, Garçon|GARCON|GARSON
male: François|FRANCOIS|FRANSOIS, Jean-Pierre||JEAN PIERRE, Étienne|ETIENNE|ETIENE,
    Jérôme|JEROME|JEROM, Olivier, Nicolas, Théo|THEO|TEO, Luc||LUK
female: Hélène|HELENE|HELEN, Céline|CELINE|SELINE, Marie, Camille, Élodie|ELODIE|ELODY,
    Chloé|CHLOE|CLOE, Anaïs|ANAIS|ANAIIS, Sophie||SOFIE
[polish] latin 4 POL:1
family: Nowak||NOVAK, Kowalski||KOVALSKI, Wiśniewski|WISNIEWSKI|VISNIEVSKI, Wójcik|WOJCIK|VOYCHIK,
    Kowalczyk||KOVALCHIK, Kamiński|KAMINSKI|KAMINSKY, Lewandowski||LEVANDOVSKI,
    Zieliński|ZIELINSKI|ZELINSKI, Szymański|SZYMANSKI|SHIMANSKI, Woźniak|WOZNIAK|VOZNIAK,
    Dąbrowski|DABROWSKI|DOMBROWSKI, Krzyżanowski|KRZYZANOWSKI|KSHIZHANOVSKI
male: Łukasz|LUKASZ|LUKAS, Grzegorz||GREGORZ, Paweł|PAWEL|PAVEL, Tomasz||TOMAS,
    Krzysztof||KRISTOF, Piotr||PETER, Wojciech||VOYTEK, Jakub||YAKUB
female: Małgorzata|MALGORZATA|MALGOZATA, Agnieszka||AGNESZKA, Katarzyna||KATARINA, Zofia||SOFIA,
    Joanna||JOANA, Ewa||EVA, Magdalena
[turkish] latin 5 TUR:6 DEU:1
family: Yılmaz|YILMAZ|JILMAZ, Kaya||KAJA, Demir||DEMIRR, Şahin|SAHIN|SCHAHIN, Çelik|CELIK|CHELIK,
    Yıldız|YILDIZ|YILDIS, Öztürk|OEZTUERK|OZTURK, Aydın|AYDIN|AIDIN, Özdemir|OEZDEMIR|OZDEMIR,
    Arslan||ASLAN, Doğan|DOGAN|DOAN, Kılıç|KILIC|KILITSCH, Çetin|CETIN|CHETIN, Koç|KOC|KOCH
male: Mehmet||MEHMED, Mustafa, Ahmet||AHMED, Ali, Hüseyin|HUESEYIN|HUSEYIN, Hasan||HASSAN,
    İbrahim|IBRAHIM|IBRAHIM, Emre, Murat||MURAD
female: Ayşe|AYSE|AISCHE, Fatma||FATIMA, Emine, Hatice||HATIJE, Zeynep||ZEYNEB, Elif,
    Gülşen|GUELSEN|GULSEN, Özlem|OEZLEM|OZLEM
[vietnamese] latin 3 VNM:1
family: Nguyễn|NGUYEN|NGUEN, Trần|TRAN|TRANH, Lê|LE|LEE, Phạm|PHAM|FAM, Hoàng|HOANG|HUANG,
    Huỳnh|HUYNH|HUINH, Phan|PHAN|FAN, Vũ|VU|VOO, Đặng|DANG|DAANG, Bùi|BUI|BUY, Ngô|NGO|NGOH,
    Dương|DUONG|ZUONG
male: Văn Đức|VAN DUC|VAN DUK, Minh Tuấn|MINH TUAN|MINH TUANH, Quang Huy|QUANG HUY|QUANG HUI,
    Thành Long|THANH LONG|TAN LONG, Hữu Phước|HUU PHUOC|HUU PHUC
female: Thị Hương|THI HUONG|TI HUONG, Thị Mai|THI MAI|TI MAI, Ngọc Anh|NGOC ANH|NGOK ANH, Thu
    Trang|THU TRANG|TU TRANG, Phương Linh|PHUONG LINH|FUONG LINH
[english] latin 9 GBR:4 USA:6 CAN:1 AUS:1 IRL:1
family: Smith||SMYTH, Johnson||JONSON, Williams||WILLIAMSON, Brown||BRAUN, Jones, Taylor||TAILOR,
    Wilson||WILLSON, Davies||DAVIS, Evans||EVENS, Thomas, O'Brien|OBRIEN|O BRIEN,
    McDonald||MACDONALD, Walker, Wright||RIGHT, Robinson||ROBINSEN
male: James, John||JON, Robert, Michael||MICHEAL, David, William, Christopher||KRISTOPHER, Daniel
female: Mary, Patricia, Jennifer, Linda, Elizabeth||ELISABETH, Sarah||SARA, Jessica, Emily||EMILEY
[spanish] latin 7 ESP:4 MEX:3 COL:2 ARG:2
family: García|GARCIA|GARSIA, Fernández|FERNANDEZ|FERNANDES, González|GONZALEZ|GONSALEZ,
    Rodríguez|RODRIGUEZ|RODRIGUES, López|LOPEZ|LOPES, Martínez|MARTINEZ|MARTINES,
    Sánchez|SANCHEZ|SANCHES, Pérez|PEREZ|PERES, Gómez|GOMEZ|GOMES, Muñoz|MUNOZ|MUNIOZ,
    Jiménez|JIMENEZ|GIMENEZ, Ibáñez|IBANEZ|YBANEZ
male: José|JOSE|JOZE, Juan||JUAN CARLOS, Antonio, Javier||XAVIER, Jesús|JESUS|JESUZ, Miguel
    Ángel|MIGUEL ANGEL|MIGUEL ANJEL, Alejandro||ALEXANDRO
female: María José|MARIA JOSE|MARIA JOSEFA, Lucía|LUCIA|LUSIA, Carmen, Ana||ANNA, Isabel||ISABELLE,
    Mónica|MONICA|MONIKA, Begoña|BEGONA|BEGONIA
[italian] latin 5 ITA:1
family: Rossi||ROSSY, Russo||RUSO, Ferrari||FERRARY, Esposito||ESPOSITO, Bianchi||BIANCHY, Romano,
    Colombo, Ricci||RICCY, Marino, Greco, Bruno, Gallo, De Luca||DELUCA, Conti, Mancini,
    D'Angelo|DANGELO|D ANGELO
male: Giuseppe||GIUSEPE, Giovanni, Antonio, Mario, Luigi, Francesco, Niccolò|NICCOLO|NICOLO,
    Alessandro
female: Maria, Anna, Giuseppina, Rosa, Francesca, Chiara||KIARA, Giulia, Lucrezia
[russian] cyrillic 7 RUS:6 UKR:2 BLR:1 KAZ:1
family: Иванов|IVANOV|IWANOW, Смирнов|SMIRNOV|SMIRNOFF, Кузнецов|KUZNETSOV|KUSNEZOW,
    Попов|POPOV|POPOFF, Васильев|VASILEV|WASSILJEW, Петров|PETROV|PETROFF,
    Соколов|SOKOLOV|SOKOLOW, Михайлов|MIKHAILOV|MICHAILOW, Новиков|NOVIKOV|NOWIKOW,
    Фёдоров|FEDOROV|FJODOROW, Морозов|MOROZOV|MOROSOW, Волков|VOLKOV|WOLKOW,
    Шевченко|SHEVCHENKO|SCHEWTSCHENKO, Ковальчук|KOVALCHUK|KOWALTSCHUK
male: Сергей|SERGEI|SERGEY, Александр|ALEKSANDR|ALEXANDER, Дмитрий|DMITRII|DMITRY,
    Андрей|ANDREI|ANDREY, Алексей|ALEKSEI|ALEXEY, Николай|NIKOLAI|NIKOLAY, Юрий|IURII|YURI,
    Владимир|VLADIMIR|WLADIMIR
female: Елена|ELENA|YELENA, Ольга|OLGA|OLGA, Наталья|NATALIA|NATALYA, Татьяна|TATIANA|TATYANA,
    Ирина|IRINA|IRENA, Анастасия|ANASTASIIA|ANASTASIA, Юлия|IULIIA|YULIA,
    Екатерина|EKATERINA|YEKATERINA
[greek] greek 3 GRC:5 CYP:1
family: Παπαδάκης|PAPADAKIS|PAPADAKES, Γεωργίου|GEORGIOU|GEORGIU, Οικονόμου|OIKONOMOU|ECONOMOU,
    Νικολάου|NIKOLAOU|NICOLAOU, Βασιλείου|VASILEIOU|VASILIOU, Δημητρίου|DIMITRIOU|DEMETRIOU,
    Ιωάννου|IOANNOU|IOANOU, Κωνσταντίνου|KONSTANTINOU|CONSTANTINOU, Αντωνίου|ANTONIOU|ANDONIOU
male: Γεώργιος|GEORGIOS|GIORGOS, Ιωάννης|IOANNIS|GIANNIS, Κωνσταντίνος|KONSTANTINOS|KOSTAS,
    Δημήτριος|DIMITRIOS|DIMITRIS, Νικόλαος|NIKOLAOS|NIKOS, Παναγιώτης|PANAGIOTIS|PANAGIOTES
female: Μαρία|MARIA|MARIA, Ελένη|ELENI|HELEN, Αικατερίνη|AIKATERINI|KATERINA,
    Βασιλική|VASILIKI|VASO, Σοφία|SOFIA|SOPHIA, Αναστασία|ANASTASIA|NATASA
[arabic] arabic 8 SYR:2 IRQ:2 EGY:2 MAR:2 DZA:1 SAU:1 JOR:1 LBY:1 TUN:1
family: الحسن|AL HASSAN|ALHASAN, الأحمد|AL AHMAD|ALAHMED, العلي|AL ALI|EL ALI, المصري|AL MASRI|EL
    MASRY, حداد|HADDAD|HADAD, خليل|KHALIL|KHALEEL, إبراهيم|IBRAHIM|EBRAHIM,
    منصور|MANSOUR|MANSUR, الشامي|AL SHAMI|ELSHAMY, يوسف|YOUSSEF|YUSUF, بن علي|BEN ALI|BIN ALI,
    النجار|AL NAJJAR|EL NAGGAR, الخطيب|AL KHATIB|ELKHATEEB
male: محمد|MOHAMMED|MUHAMMAD, أحمد|AHMED|AHMAD, علي|ALI|ALY, عمر|OMAR|UMAR, خالد|KHALED|KHALID,
    يوسف|YOUSSEF|YUSUF, حسن|HASSAN|HASAN, عبد الرحمن|ABDULRAHMAN|ABDEL RAHMAN,
    مصطفى|MOUSTAFA|MUSTAFA
female: فاطمة|FATIMA|FATMA, عائشة|AISHA|AICHA, مريم|MARYAM|MARIAM, زينب|ZAINAB|ZEINAB, نور|NOUR|NUR,
    ليلى|LAYLA|LEILA, سارة|SARA|SARAH
[chinese] han 6 CHN:8 TWN:1 SGP:1
family: 王|WANG|WONG, 李|LI|LEE, 张|ZHANG|CHANG, 刘|LIU|LAU, 陈|CHEN|CHAN, 杨|YANG|YEUNG,
    黄|HUANG|WONG, 赵|ZHAO|CHIU, 吴|WU|NG, 周|ZHOU|CHOW, 徐|XU|HSU, 孙|SUN|SUEN,
    马|MA|MAH, 朱|ZHU|CHU, 胡|HU|WOO
male: 伟|WEI|WAI, 强|QIANG|KEUNG, 磊|LEI|LUI, 军|JUN|CHUN, 勇|YONG|YUNG, 杰|JIE|KIT,
    建国|JIANGUO|JIAN GUO, 志明|ZHIMING|CHI MING
female: 秀英|XIUYING|HSIU YING, 丽|LI|LAI, 静|JING|CHING, 敏|MIN|MAN, 燕|YAN|YIN, 芳|FANG|FONG,
    婷婷|TINGTING|TING TING, 美玲|MEILING|MEI LING
[indian] latin 4 IND:1
family: Sharma||SHARMAH, Patel||PATTEL, Singh||SING, Kumar||KUMAAR, Gupta||GUPTHA, Reddy||REDDI,
    Khan||KHAAN, Das||DASS, Iyer||AIYER, Nair||NAYAR
male: Rahul||RAHOOL, Amit||AMITH, Rajesh||RAJES, Sanjay||SANJAI, Vikram||VICRAM, Arjun||ARJOON
female: Priya||PRIA, Anjali||ANJALEE, Sunita||SUNEETA, Pooja||PUJA, Kavita||KAVITHA, Deepika||DIPIKA
[west_african] latin 3 NGA:4 GHA:2 SEN:1
family: Okafor||OKAFFOR, Adeyemi||ADEYEMY, Mensah||MENSA, Okonkwo||OKONKWOH, Balogun||BALOGOUN,
    Abubakar||ABUBAKAR SADIQ, Diop||DIOUP, Ndiaye||N DIAYE
male: Chinedu||CHINEDUM, Emeka||EMECA, Oluwaseun||OLUSEUN, Kwame||KWAMI, Ibrahim||IBRAHEEM,
    Mamadou||MAMADU
female: Ngozi||NGOZY, Adaeze||ADAEZI, Aisha||AYSHA, Abena||ABENAA, Funmilayo||FUNMI, Fatou||FATU
"""

_NOTICE_P = {
    "red": 0.45,
    "blue": 0.05,
    "yellow": 0.05,
    "diffusion": 0.2,
    "warrant": 0.25,
    "other": 0.0,
}
_OFFENCES = [
    "fraud",
    "drug trafficking",
    "armed robbery",
    "homicide",
    "money laundering",
    "trafficking in human beings",
    "cybercrime",
    "smuggling of migrants",
    "participation in a criminal organisation",
    "kidnapping",
    "arson",
    "trafficking in stolen vehicles",
    "forgery of travel documents",
]
_CAUTIONS = [
    "armed and dangerous",
    "violent",
    "escape risk",
    "may use false identity documents",
    "armed and dangerous; escape risk",
]
