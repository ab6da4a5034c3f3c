//! Family names by origin, ordered roughly by US frequency, plus morphemes for a long
//! tail of rarer family names.

/// Family names of English, Scottish, Irish and general American origin, most common first.
#[rustfmt::skip]
pub const ANGLO: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker",
    "Nelson", "Hall", "Campbell", "Mitchell", "Carter", "Roberts", "Phillips", "Evans", "Turner", "Parker",
    "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson",
    "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson",
    "Brooks", "Bennett", "Gray", "James", "Hughes", "Price", "Sanders", "Myers", "Long", "Ross",
    "Foster", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Fisher", "Butler", "Henderson", "Barnes",
    "Coleman", "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham", "Wallace", "Cole", "West",
    "Stevens", "Marshall", "Ellis", "Harrison", "Gibson", "McDonald", "Kennedy", "Wells", "Alexander", "Griffin",
    "Hayes", "Hunt", "Tucker", "Porter", "Crawford", "Henry", "Boyd", "Mason", "Warren", "Dixon",
    "Ferguson", "Burns", "Gordon", "Shaw", "Holmes", "Rice", "Robertson", "Black", "Daniels", "Palmer",
    "Mills", "Nichols", "Grant", "Knight", "Hunter", "Spencer", "Stone", "Hawkins", "Dunn", "Perkins",
    "Hudson", "Payne", "Pierce", "Berry", "Matthews", "Arnold", "Wagner", "Willis", "Ray", "Watkins",
    "Olson", "Carroll", "Duncan", "Snyder", "Hart", "Cunningham", "Bradley", "Lane", "Andrews", "Harper",
    "Fox", "Riley", "Armstrong", "Carpenter", "Weaver", "Greene", "Lawrence", "Elliott", "Chapman", "Sims",
    "Austin", "Peters", "Kelley", "Franklin", "Lawson", "Fields", "Ryan", "Carr", "Wheeler", "Dean",
    "Gilbert", "Garrett", "Little", "Burke", "Hansen", "Bishop", "Oliver", "Montgomery", "Richards", "Williamson",
    "Johnston", "Banks", "Meyer", "McCoy", "Howell", "Harvey", "Morrison", "Hanson", "Hicks", "Frazier",
    "Wade", "Webb", "Simpson", "Stephens", "Tyler", "Washington", "Freeman", "Jacobs", "Hoffman", "Bates",
    "Lynch", "Walsh", "Schultz", "Fuller", "Ford", "Lucas", "Sutton", "Holland", "Bryant", "Ramsey",
    "Chambers", "Newman", "Barker", "Lambert", "Dawson", "Curtis", "Jennings", "Douglas", "Stanley", "Wolfe",
    "Fleming", "Morton", "Beck", "Cross", "Barrett", "Caldwell", "Quinn", "Holt", "Bowman", "Merrill",
    "Blake", "Moss", "Pearson", "Welch", "Lowe", "Byrd", "Reeves", "Norris", "Sharp", "Parsons",
    "Lyons", "Hopkins", "Clarke", "Gardner", "Ball", "Bowen", "Brady", "Baldwin", "Cannon", "Frank",
    "Barton", "Schneider", "Haynes", "Winters", "McCarthy", "Nash", "Abbott", "Bush", "Casey", "Walters",
    "Reid", "Benson", "Burton", "Lindsey", "Tate", "Vaughn", "Hodges", "Mack", "Potter", "Rhodes",
    "Maxwell", "Sherman", "McKinney", "McLaughlin", "Owen", "Horton", "Strickland", "Brewer", "Sparks", "Conner",
    "Hale", "Gregory", "Floyd", "Terry", "Burch", "Malone", "Flowers", "Francis", "Mathis", "Cummings",
    "Rowe", "Goodwin", "Patrick", "Houston", "Moran", "Cain", "Bryan", "Love", "Lamb", "Swanson",
    "Pope", "Rhoades", "Steele", "Atkinson", "Davidson", "Wilkins", "Osborne", "Gross", "Christensen", "Vaughan",
    "Dennis", "Holloway", "Buchanan", "Jensen", "Mann", "Walton", "Ingram", "Hayden", "Brock", "Craig",
    "Norton", "Newton", "McGee", "Farmer", "Wise", "Poole", "Fletcher", "Stokes", "Copeland", "Hogan",
    "Reese", "Hammond", "Booker", "Trent", "Glover", "Hines", "Harmon", "Sawyer", "Walls", "Schroeder",
    "Bradford", "Doyle", "Cobb", "Yates", "McBride", "Chandler", "Townsend", "Bass", "Mosley", "Briggs",
    "Gaines", "Thornton", "Cantrell", "Howe", "Blair", "Kirk", "Hardy", "Owens", "Mullins", "Huff",
    "Dickerson", "Pratt", "Ayers", "Finley", "Cochran", "Sweeney", "Conrad", "Foley", "Gentry", "Kemp",
    "Kirby", "Odom", "Shelton", "Rowland", "Pittman", "Slater", "Whitaker", "Whitney", "Wiggins", "Wilcox",
    "Woodard", "Workman", "Wyatt", "Yoder", "Zimmerman", "Underwood", "Tillman", "Stafford", "Spears", "Sellers",
    "Salisbury", "Rutledge", "Roach", "Pugh", "Pruitt", "Preston", "Pollard", "Pickett", "Pace", "Oneal",
    "O'Brien", "O'Connor", "O'Neill", "O'Malley", "O'Donnell", "O'Sullivan", "O'Reilly", "O'Hara", "McCarty", "McCormick",
    "McKenzie", "MacDonald", "MacArthur", "McIntyre", "McNamara", "McAllister", "McMillan", "McCullough", "McGrath", "McPherson",
    "DuBois", "LaFleur", "LaRue", "DeMarco", "LeBlanc", "St. John", "St. Clair", "Van Buren", "Vance", "Nolan",
    "Ochs", "Jefferson", "Madison", "Dorsey", "Merritt", "Blackwell", "Bolton", "Ewing", "Gillespie", "Haney",
    "Herring", "Hurst", "Jarvis", "Keller", "Kerr", "Lott", "Lyon", "Meadows", "Mercer", "Nixon",
    "Noble", "Oakley", "Parrish", "Petty", "Randall", "Rich", "Rollins", "Sheppard", "Skinner", "Slade",
    "Sumner", "Talley", "Tanner", "Tatum", "Thacker", "Truman", "Upton", "Vinson", "Waller", "Ware",
    "Whitfield", "Winslow", "Witherspoon", "Woodward", "Worthington", "Yarbrough", "Abernathy", "Ashby", "Bagley", "Beasley",
    "Blankenship", "Brandt", "Buckley", "Burnett", "Calhoun", "Carver", "Cheney", "Clayton", "Coffey", "Coates",
    "Crenshaw", "Crosby", "Dalton", "Driscoll", "Eaton", "Emerson", "Fairchild", "Gallagher", "Gamble", "Goodman",
];

/// Family names more common among African-American families.
#[rustfmt::skip]
pub const BLACK: &[&str] = &[
    "Washington", "Jefferson", "Booker", "Mosley", "Gaines", "Banks", "Jackson", "Robinson", "Freeman", "Coleman",
    "Bynum", "Dorsey", "Tubman", "Battle", "Pettiford", "Ruffin", "Blount", "Whitehead", "Bolden", "Womack",
    "Jeter", "Hairston", "Staton", "Gadsden", "Outlaw", "Dukes", "Pinkney", "Mangum", "Toussaint", "Mayfield",
];

/// Hispanic family names, most common first (canonical spelling, some with accents).
#[rustfmt::skip]
pub const HISPANIC: &[&str] = &[
    "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez", "Sanchez", "Ramirez", "Torres",
    "Flores", "Rivera", "Gomez", "Diaz", "Cruz", "Reyes", "Morales", "Gutierrez", "Ortiz", "Chavez",
    "Ramos", "Ruiz", "Alvarez", "Mendoza", "Castillo", "Jimenez", "Vasquez", "Moreno", "Herrera", "Medina",
    "Aguilar", "Vargas", "Guzman", "Mendez", "Munoz", "Muñoz", "Salazar", "Garza", "Soto", "Vazquez",
    "Alvarado", "Delgado", "Peña", "Contreras", "Sandoval", "Guerrero", "Rios", "Estrada", "Ortega", "Nuñez",
    "Maldonado", "Dominguez", "Vega", "Espinoza", "Rojas", "Marquez", "Padilla", "Mejia", "Juarez", "Figueroa",
    "Ayala", "Acosta", "Rosales", "Cortez", "Cervantes", "Fuentes", "Campos", "Navarro", "Molina", "Cabrera",
    "Avila", "Cardenas", "Pacheco", "Ibarra", "Salinas", "Velasquez", "Trujillo", "Lara", "Valdez", "Santiago",
    "Rosario", "Serrano", "Miranda", "Escobar", "Galvan", "Villarreal", "Ochoa", "Zamora", "Solis", "Ponce",
    "Orozco", "Luna", "Bautista", "Arias", "Velazquez", "Barrera", "Castro", "Pineda", "Montoya", "Valenzuela",
    "Carrillo", "Santana", "Calderon", "Suarez", "Villanueva", "Beltran", "Montes", "Cisneros", "Rangel", "Leon",
    "Duran", "Salas", "Gallegos", "Andrade", "Quintero", "Cordova", "Lozano", "Arroyo", "Bonilla", "Tapia",
    "Mora", "Zuniga", "Aguirre", "Palacios", "Bravo", "Huerta", "Enriquez", "Sosa", "Benitez", "Cano",
    "Ordóñez", "Castañeda", "Ibáñez", "Núñez", "De La Cruz", "De Leon", "Del Rio", "De la Rosa", "De Jesus", "Del Valle",
    "Garcia-Lopez", "Hernandez-Diaz", "Lopez-Martinez", "Rivera-Santos", "Perez-Gonzalez", "Quiñones", "Avilés", "Báez", "Córdoba", "Sepúlveda",
    "Zepeda", "Yañez", "Urbina", "Tovar", "Saucedo", "Robles", "Quintana", "Prado", "Olvera", "Nava",
    "Meza", "Lugo", "Jaramillo", "Hidalgo", "Gamez", "Fajardo", "Esquivel", "Espinosa", "Escamilla", "Corona",
];

/// Chinese family names (pinyin and Cantonese romanizations).
#[rustfmt::skip]
pub const CHINESE: &[&str] = &[
    "Chen", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
    "Zheng", "Liang", "Xie", "Tang", "Song", "Han", "Feng", "Deng", "Cao", "Peng",
    "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang", "Yu", "Du",
    "Wong", "Chan", "Lau", "Cheung", "Leung", "Ng", "Chow", "Ho", "Yip", "Fong",
    "Tsang", "Louie", "Kwan", "Lam", "Mak", "Tse", "Chu", "Lai", "Szeto", "Ou-Yang",
];

/// Vietnamese family names.
#[rustfmt::skip]
pub const VIETNAMESE: &[&str] = &[
    "Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang",
    "Bui", "Do", "Ho", "Ngo", "Duong", "Ly", "Truong", "Dinh", "Lam", "Mai",
    "Trinh", "Ta", "Cao", "Luong", "Quach", "Doan", "Thai", "Nong", "Kieu", "Tong",
];

/// Korean family names.
#[rustfmt::skip]
pub const KOREAN: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
    "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
    "Jeon", "Ko", "Moon", "Yang", "Son", "Baek", "Chung", "Nam", "Byun", "Heo",
];

/// Indian family names.
#[rustfmt::skip]
pub const INDIAN: &[&str] = &[
    "Patel", "Shah", "Singh", "Kumar", "Sharma", "Gupta", "Desai", "Mehta", "Reddy", "Rao",
    "Iyer", "Nair", "Joshi", "Agarwal", "Chopra", "Kapoor", "Malhotra", "Bhatt", "Chaudhary", "Pillai",
    "Menon", "Verma", "Mishra", "Trivedi", "Pandey", "Jain", "Banerjee", "Chatterjee", "Mukherjee", "Das",
    "Ghosh", "Bose", "Sinha", "Saxena", "Kulkarni", "Patil", "Srinivasan", "Krishnan", "Subramanian", "Venkatesan",
    "Ramachandran", "Sethi", "Khanna", "Arora", "Bhatia", "Dutta", "Goswami", "Naidu", "Chowdhury", "Parekh",
];

/// Filipino family names.
#[rustfmt::skip]
pub const FILIPINO: &[&str] = &[
    "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Tomas", "Andrada",
    "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera", "Aquino", "Navarro", "Salazar", "Mercado",
    "Dela Cruz", "De Leon", "Del Rosario", "Manalo", "Dizon", "Pascual", "Soriano", "Domingo", "Macaraeg", "Magbanua",
    "Dimaculangan", "Panganiban", "Lacson", "Tolentino", "Evangelista", "Santiago", "Valdez", "Aguilar", "Dela Pena", "Manalang",
];

/// Japanese family names.
#[rustfmt::skip]
pub const JAPANESE: &[&str] = &[
    "Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Yamazaki",
    "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa", "Okada", "Fujita", "Goto", "Hasegawa",
    "Murakami", "Kondo", "Ishii", "Sakamoto", "Endo", "Aoki", "Fujii", "Nishimura", "Fukuda", "Ota",
];

/// Family names of continental European and Irish origin.
#[rustfmt::skip]
pub const EUROPEAN: &[&str] = &[
    "Kowalski", "Nowak", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski", "Zielinski", "Szymanski", "Wozniak", "Dabrowski",
    "Kozlowski", "Jankowski", "Mazur", "Krawczyk", "Piotrowski", "Grabowski", "Pawlowski", "Michalski", "Zajac", "Krol",
    "Wieczorek", "Jablonski", "Majewski", "Olszewski", "Stepien", "Malinowski", "Jaworski", "Adamczyk", "Dudek", "Nowicki",
    "Przybylski", "Grzybowski", "Szczepanski", "Brzezinski", "Chrzanowski", "Wrzesniewski", "Krzyzanowski", "Zbikowski", "Sienkiewicz", "Kwiatkowski",
    "Russo", "Romano", "Esposito", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca",
    "Costa", "Giordano", "Mancini", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
    "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale",
    "D'Angelo", "D'Amico", "DeAngelis", "DiMaggio", "DiNapoli", "LoBianco", "Palumbo", "Sorrentino", "Cacciatore", "Benedetto",
    "Schmidt", "Schneider", "Fischer", "Weber", "Mueller", "Müller", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
    "Hofmann", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Kaiser", "Fuchs", "Vogel",
    "Murphy", "Kelleher", "Fitzgerald", "Fitzpatrick", "Flanagan", "Gallagher", "Kavanagh", "Mulligan", "Donnelly", "Brennan",
    "Papadopoulos", "Papadakis", "Georgiou", "Nikolaidis", "Katsaros", "Andreou", "Konstantinou", "Vlahos", "Pappas", "Stavrou",
    "Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Lindqvist", "Bergstrom",
    "Larsen", "Nielsen", "Jorgensen", "Pedersen", "Sørensen", "Rasmussen", "Halvorsen", "Lindgren", "Haugen", "Solberg",
    "Van der Berg", "Van Dyke", "Van Houten", "De Vries", "Janssen", "Bakker", "Visser", "Smit", "Meijer", "De Jong",
    "Dubois", "Lefebvre", "Moreau", "Laurent", "Fournier", "Girard", "Bonnet", "Lambert", "Rousseau", "Béranger",
    "Ivanov", "Petrov", "Smirnov", "Volkov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov",
    "Horvath", "Nagy", "Kovacs", "Szabo", "Toth", "Varga", "Novak", "Dvorak", "Svoboda", "Petrovic",
    "Jovanovic", "Nikolic", "Popescu", "Ionescu", "Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Aydin",
];

/// Family names of Middle-Eastern and South-Asian Muslim origin.
#[rustfmt::skip]
pub const MIDEAST: &[&str] = &[
    "Khan", "Ahmed", "Ali", "Hassan", "Hussein", "Mohamed", "Ibrahim", "Abdullah", "Haddad", "Khoury",
    "Nasser", "Saleh", "Mansour", "Farah", "Aziz", "Rahman", "Karim", "Hamdan", "Awad", "Saeed",
    "Yousef", "Qureshi", "Siddiqui", "Malik", "Sheikh", "Chaudhry", "Mirza", "Hashemi", "Rahimi", "Sadeghi",
    "Abboud", "Bishara", "Najjar", "Shaheen", "Suleiman", "El-Amin", "Al-Sayed", "Abu-Hamdan", "Al-Rashid", "El-Khoury",
];

/// Family names of sub-Saharan African origin.
#[rustfmt::skip]
pub const AFRICAN: &[&str] = &[
    "Okafor", "Okonkwo", "Adeyemi", "Oluwole", "Adebayo", "Eze", "Nwosu", "Obi", "Mensah", "Asante",
    "Owusu", "Boateng", "Osei", "Appiah", "Kamara", "Diallo", "Traore", "Keita", "Toure", "Haile",
    "Tesfaye", "Bekele", "Girma", "Abdi", "Warsame", "Jama", "Mohamud", "Mwangi", "Kamau", "Otieno",
    "Ochieng", "Njoroge", "Nkosi", "Dlamini", "Banda", "Phiri", "Moyo", "Sesay", "Koroma", "Oyelaran",
];

/// Heads of English-style compound family names (Ash+ford, Black+wood) for the rare tail.
#[rustfmt::skip]
pub const ANGLO_HEADS: &[&str] = &[
    "Ash", "Black", "Brad", "Brook", "Cald", "Craw", "Dal", "Dun", "East", "Fair",
    "Gar", "Good", "Green", "Hal", "Hart", "Haw", "Hay", "Hol", "Kings", "Lang",
    "Lock", "Mar", "Mid", "Mill", "Nor", "Pem", "Rad", "Red", "Ring", "Ros",
    "Rush", "Sand", "Shel", "Stan", "Stock", "Sut", "Thorn", "Wad", "Wal", "Wen",
    "West", "Whit", "Wil", "Win", "Wood", "Al", "Bar", "Bel", "Brom", "Chat",
    "Cran", "Dray", "Elm", "Fen", "Frog", "Glad", "Hather", "Hux", "Kel", "Knap",
    "Lind", "Mort", "Ox", "Pen", "Quil", "Rock", "Salt", "Shaw", "Stam", "Tam",
    "Under", "Ver", "Went", "Wex", "Yar", "Ather", "Brent", "Cole", "Dart", "Egg",
];

/// Tails of English-style compound family names.
#[rustfmt::skip]
pub const ANGLO_TAILS: &[&str] = &[
    "ford", "wood", "well", "ton", "ley", "field", "by", "worth", "more", "ridge",
    "stone", "man", "son", "land", "ham", "dale", "burn", "wick", "brook", "hurst",
    "combe", "den", "holt", "mead", "shaw", "thorpe", "bury", "cliffe", "lock", "wright",
    "ington", "stead", "ring", "marsh", "low", "acre", "gate", "ney", "croft", "er",
];

/// (heads, tails) of continental European family-name morphology for the rare tail.
#[rustfmt::skip]
pub const EURO_MORPH: &[(&[&str], &[&str])] = &[
    (&["Kowal", "Nowak", "Wisniew", "Zielin", "Szyman", "Wojcie", "Zbign", "Przyb", "Grzyb", "Szczep",
       "Brzez", "Chrzan", "Wrzes", "Krzyz", "Lesz", "Mroz", "Pietrz", "Sob", "Wroc", "Zdan"],
     &["ski", "owski", "ewski", "czyk", "ewicz", "iak", "ek", "inski"]),
    (&["Stein", "Rosen", "Gold", "Schwarz", "Weiss", "Lind", "Berg", "Feld", "Hoch", "Kirsch",
       "Eisen", "Grun", "Licht", "Morgen", "Sonnen", "Stern", "Wald", "Wein", "Blum", "Adel"],
     &["berg", "stein", "mann", "feld", "baum", "thal", "heim", "er", "hauer", "wald"]),
    (&["Bel", "Cap", "Marc", "Ross", "Fior", "Ferr", "Castel", "Bianc", "Gal", "Mart",
       "Pell", "Sant", "Vent", "Cost", "Brun", "Fran", "Luc", "Mor", "Ser", "Tor"],
     &["ini", "ello", "etti", "ucci", "one", "ano", "ari", "otti", "ardi", "elli"]),
    (&["Lind", "Berg", "Dahl", "Holm", "Sund", "Ny", "Sjo", "Ek", "Ahl", "Fors", "Hag", "Lund", "Nord", "Sand", "Strand"],
     &["quist", "gren", "strom", "berg", "lund", "holm", "dahl", "stedt", "man", "blad"]),
    (&["Petr", "Ivan", "Mikh", "Alek", "Dmitr", "Grig", "Vasil", "Fedor", "Nikit", "Bor"],
     &["ov", "enko", "ovich", "in", "sky", "chuk", "iak", "ev"]),
];

/// Second surnames for Hispanic double family names.
#[rustfmt::skip]
pub const HISPANIC_SECOND: &[&str] = &[
    "Lopez", "Garcia", "Hernandez", "Martinez", "Diaz", "Santos", "Soto", "Vega", "Cruz", "Reyes",
    "Flores", "Torres", "Ruiz", "Ramos", "Castro", "Ortiz", "Medina", "Rojas", "Mora", "Silva",
];
