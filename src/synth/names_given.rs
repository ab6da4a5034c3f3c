//! Given and middle names by sex, origin and (for Anglo-American names) generation.
//!
//! Each list is ordered roughly by popularity, most popular first, so that a Zipf-like
//! draw over the list index gives a realistic frequency profile.

/// Female names common among people born before about 1966.
#[rustfmt::skip]
pub const F_CLASSIC: &[&str] = &[
    "Mary", "Patricia", "Linda", "Barbara", "Elizabeth", "Susan", "Margaret", "Dorothy", "Nancy", "Karen",
    "Betty", "Helen", "Sandra", "Donna", "Carol", "Ruth", "Sharon", "Deborah", "Shirley", "Cynthia",
    "Brenda", "Virginia", "Kathleen", "Pamela", "Martha", "Debra", "Carolyn", "Christine", "Marie", "Janet",
    "Catherine", "Frances", "Ann", "Joyce", "Diane", "Alice", "Judith", "Judy", "Teresa", "Doris",
    "Gloria", "Evelyn", "Jean", "Cheryl", "Mildred", "Katherine", "Joan", "Rose", "Janice", "Kathy",
    "Theresa", "Beverly", "Denise", "Irene", "Jane", "Lori", "Marilyn", "Louise", "Anne", "Wanda",
    "Bonnie", "Ruby", "Lois", "Phyllis", "Norma", "Paula", "Diana", "Annie", "Lillian", "Peggy",
    "Gladys", "Rita", "Connie", "Florence", "Edna", "Rosemary", "Sherry", "Sylvia", "Josephine", "Thelma",
    "Sheila", "Ethel", "Ellen", "Elaine", "Marjorie", "Esther", "Pauline", "Juanita", "Anita", "Rhonda",
    "Hazel", "Eva", "Debbie", "Clara", "Lucille", "Joanne", "Eleanor", "Suzanne", "Gail", "Bertha",
    "Darlene", "Geraldine", "Cathy", "Joann", "Lorraine", "Lynn", "Sally", "Regina", "Beatrice", "Dolores",
    "Bernice", "Audrey", "Yvonne", "Annette", "June", "Marion", "Ida", "Vivian", "Roberta", "Loretta",
    "Jeanette", "Laurie", "Alma", "Sue", "Elsie", "Beth", "Jeanne", "Vicki", "Eileen", "Terri",
    "Gertrude", "Lucy", "Wilma", "Agnes", "Vera", "Charlene", "Bessie", "Delores", "Pearl", "Arlene",
    "Maureen", "Colleen", "Georgia", "Constance", "Lillie", "Marcia", "Nellie", "Minnie", "Marlene", "Glenda",
    "Viola", "Marian", "Stella", "Dora", "Vickie", "Mattie", "Maxine", "Mabel", "Marsha", "Myrtle",
    "Patsy", "Hilda", "Gwendolyn", "Jennie", "Nora", "Margie", "Penny", "Kay", "Carole", "Billie",
    "Dianne", "Leona", "Velma", "Bobbie", "Violet", "Mae", "Ramona", "Fannie", "Opal", "Inez",
    "Lula", "Winifred", "Harriet", "Muriel", "Rosalie", "Genevieve", "Imogene", "Bettye", "Jo", "Carmen",
];

/// Female names common among people born about 1966 to 1994.
#[rustfmt::skip]
pub const F_MIDDLE: &[&str] = &[
    "Jennifer", "Jessica", "Ashley", "Amanda", "Sarah", "Stephanie", "Melissa", "Nicole", "Elizabeth", "Heather",
    "Michelle", "Amy", "Kimberly", "Angela", "Tiffany", "Lisa", "Amber", "Megan", "Rachel", "Christina",
    "Lauren", "Crystal", "Brittany", "Rebecca", "Laura", "Danielle", "Emily", "Samantha", "Erin", "Kelly",
    "Sara", "Katherine", "Andrea", "Jamie", "Mary", "Erica", "Courtney", "Kristen", "Shannon", "Christine",
    "April", "Kristin", "Lindsey", "Holly", "Allison", "Tara", "Julie", "Vanessa", "Kathryn", "Alicia",
    "Victoria", "Katie", "Natalie", "Anna", "Monica", "Dana", "Whitney", "Kristina", "Tracy", "Misty",
    "Leslie", "Kelsey", "Catherine", "Lindsay", "Kristy", "Carrie", "Julia", "Brandy", "Candice", "Tanya",
    "Alison", "Meghan", "Jacqueline", "Denise", "Wendy", "Molly", "Kayla", "Chelsea", "Casey", "Cassandra",
    "Krista", "Dawn", "Tonya", "Kathleen", "Melanie", "Renee", "Veronica", "Valerie", "Stacy", "Brooke",
    "Caitlin", "Kara", "Tina", "Bethany", "Robin", "Cynthia", "Christy", "Diana", "Jenna", "Margaret",
    "Patricia", "Theresa", "Sabrina", "Lori", "Jill", "Susan", "Mandy", "Sheena", "Angie", "Carly",
    "Kari", "Kelli", "Shawna", "Jillian", "Felicia", "Colleen", "Hillary", "Meredith", "Brandi", "Stacey",
    "Tracey", "Heidi", "Becky", "Tammy", "Kristi", "Lydia", "Marissa", "Alexandra", "Rachael", "Mindy",
];

/// Female names common among people born since about 1995.
#[rustfmt::skip]
pub const F_MODERN: &[&str] = &[
    "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Abigail", "Emily", "Charlotte", "Madison",
    "Amelia", "Harper", "Evelyn", "Avery", "Ella", "Chloe", "Grace", "Hannah", "Addison", "Natalie",
    "Lily", "Aubrey", "Zoey", "Brooklyn", "Lillian", "Layla", "Samantha", "Alexis", "Leah", "Victoria",
    "Hailey", "Riley", "Nora", "Scarlett", "Zoe", "Stella", "Savannah", "Audrey", "Allison", "Anna",
    "Claire", "Skylar", "Lucy", "Paisley", "Everly", "Kaylee", "Ellie", "Taylor", "Peyton", "Alyssa",
    "Sarah", "Ashley", "Kayla", "Brianna", "Morgan", "Sydney", "Lauren", "Haley", "Mackenzie", "Jordan",
    "Kylie", "Makayla", "Gabriella", "Bella", "Aubree", "Mila", "Violet", "Aurora", "Hazel", "Penelope",
    "Madelyn", "Kennedy", "Genesis", "Naomi", "Elena", "Maya", "Caroline", "Kinsley", "Serenity", "Autumn",
    "Piper", "Willow", "Ruby", "Eva", "Nevaeh", "Ariana", "Faith", "Sadie", "Quinn", "Reagan",
    "Jocelyn", "Brooke", "Mariah", "Vanessa", "Jordyn", "Paige", "Payton", "Kendall", "Alexa", "Delaney",
    "Kaitlyn", "Katelyn", "Breanna", "Jenna", "Shelby", "Cheyenne", "Bailey", "Alexandra", "Haylee", "Jada",
    "Harmony", "Adalynn", "Aaliyah", "Ximena", "Isla", "Eleanor", "Luna", "Emilia", "Josephine", "Ivy",
    "Delilah", "Hadley", "Brynlee", "Raelynn", "Oakley", "Rylee", "Khloe", "Ainsley", "Madeline", "Daisy",
];

/// Female names common among African-American families.
#[rustfmt::skip]
pub const F_BLACK: &[&str] = &[
    "Latoya", "Tanisha", "Keisha", "Lakisha", "Shanice", "Ebony", "Imani", "Jasmine", "Destiny", "Diamond",
    "Precious", "Tamika", "Shaniqua", "Latasha", "Kiara", "Nia", "Aliyah", "Jada", "Deja", "Tierra",
    "Shanika", "Latonya", "Tameka", "Yolanda", "Felicia", "Monique", "Dominique", "Kenya", "Aisha", "Nakia",
    "Tanesha", "Shameka", "Shantel", "Lashonda", "Sheree", "Tiana", "Kierra", "Jazmine", "Asia", "Janae",
    "Ciara", "Raven", "Essence", "Zaria", "Amani", "Laquita", "Shalonda", "Tyesha", "Keyonna", "Nyah",
    "Ayanna", "Taniya", "Zuri", "Kamaria", "Jamila", "Malika", "Nichelle", "Latrice", "Sharonda", "Tionna",
    "Trinity", "Kennedi", "Londyn", "LaToya", "LaShawn", "Shaquita", "Ja'Nya", "Da'Nisha", "Aniyah", "Mya",
];

/// Female names common among Hispanic families (canonical spelling with accents).
#[rustfmt::skip]
pub const F_HISPANIC: &[&str] = &[
    "María", "Guadalupe", "Ana", "Rosa", "Juana", "Carmen", "Patricia", "Verónica", "Leticia", "Margarita",
    "Gabriela", "Alejandra", "Adriana", "Yolanda", "Claudia", "Silvia", "Martha", "Lucía", "Sofía", "Valeria",
    "Camila", "Ximena", "Daniela", "Mariana", "Andrea", "Fernanda", "Paola", "Jimena", "Natalia", "Valentina",
    "Gisela", "Marisol", "Yesenia", "Esmeralda", "Araceli", "Maribel", "Rocío", "Beatriz", "Teresa", "Josefina",
    "Consuelo", "Dolores", "Esperanza", "Graciela", "Irma", "Lourdes", "Norma", "Socorro", "Susana", "Elena",
    "Inés", "Raquel", "Mónica", "Estela", "Catalina", "Marisela", "Yadira", "Nayeli", "Itzel", "Citlali",
    "Dulce", "Jazmín", "Karla", "Alondra", "Yaretzi", "Xiomara", "Milagros", "Maritza", "Noemí", "Zoraida",
    "Belén", "Ángela", "Luz", "Reyna", "Blanca", "Celia", "Rosario", "Angélica", "Lorena", "Mayra",
];

/// Female names for Chinese-American families.
#[rustfmt::skip]
pub const F_CHINESE: &[&str] = &[
    "Mei", "Li", "Ying", "Xiu", "Hui", "Jing", "Yan", "Lan", "Hong", "Min", "Xiaoling", "Yuying", "Fang",
    "Na", "Lihua", "Xinyi", "Yuxuan", "Zihan", "Wen", "Qing",
];

/// Female names for Vietnamese-American families.
#[rustfmt::skip]
pub const F_VIETNAMESE: &[&str] = &[
    "Linh", "Ngoc", "Thuy", "Huong", "Trang", "Phuong", "Hanh", "Mai", "Anh", "Hoa", "Thao", "Nhung", "Xuan",
    "Lan", "Hien", "Tuyet", "Diep", "Loan", "Vy", "Quynh",
];

/// Female names for Korean-American families.
#[rustfmt::skip]
pub const F_KOREAN: &[&str] = &[
    "Ji-woo", "Seo-yeon", "Min-ji", "Soo-jin", "Hye-jin", "Yuna", "Eun-ji", "Ji-yeon", "Mi-kyung", "Sun-hee",
    "Young-hee", "Ha-eun", "Jiyoung", "Eunice", "Soo-ah",
];

/// Female names for Indian-American families.
#[rustfmt::skip]
pub const F_INDIAN: &[&str] = &[
    "Priya", "Ananya", "Aishwarya", "Deepa", "Lakshmi", "Sunita", "Anjali", "Pooja", "Kavya", "Divya",
    "Neha", "Shreya", "Riya", "Nisha", "Meera", "Sita", "Radha", "Geeta", "Swati", "Aditi", "Isha",
    "Kavita", "Rekha", "Padma", "Saanvi",
];

/// Female names for Filipino-American families.
#[rustfmt::skip]
pub const F_FILIPINO: &[&str] = &[
    "Maricel", "Rowena", "Marites", "Lorna", "Rosalie", "Jhoanna", "Analyn", "Marilou", "Cristina", "Imelda",
    "Corazon", "Luzviminda", "Erlinda", "Teresita", "Rizalina",
];

/// Female names for Japanese-American families.
#[rustfmt::skip]
pub const F_JAPANESE: &[&str] = &[
    "Yuki", "Sakura", "Aiko", "Haruka", "Keiko", "Yumiko", "Naomi", "Emiko", "Hana", "Kimiko", "Akemi", "Mariko",
];

/// Female names for families of recent European origin.
#[rustfmt::skip]
pub const F_EUROPEAN: &[&str] = &[
    "Zoë", "Chloé", "Renée", "Anneliese", "Ingrid", "Greta", "Helga", "Agnieszka", "Katarzyna", "Magdalena",
    "Małgorzata", "Joanna", "Aleksandra", "Svetlana", "Olga", "Natasha", "Tatiana", "Irina", "Yelena", "Oksana",
    "Giulia", "Francesca", "Chiara", "Giovanna", "Rosaria", "Antonella", "Siobhan", "Niamh", "Aoife", "Saoirse",
    "Bridget", "Maeve", "Astrid", "Sigrid", "Freya", "Annika", "Elsa", "Brigitte", "Amélie", "Élodie",
    "Ilse", "Dagmar", "Beata", "Dorota", "Ewa", "Zofia", "Milena", "Daria", "Anastasia", "Ekaterina",
    "Eleni", "Despina", "Athena", "Ioana", "Bianca", "Ilona", "Zsófia", "Marta", "Petra", "Katarina",
];

/// Female names for families of Middle-Eastern or South-Asian Muslim origin.
#[rustfmt::skip]
pub const F_MIDEAST: &[&str] = &[
    "Fatima", "Aisha", "Amina", "Mariam", "Zainab", "Layla", "Noor", "Yasmin", "Leila", "Hana", "Samira",
    "Rania", "Huda", "Salma", "Farah", "Nadia", "Soraya", "Shirin",
];

/// Female names for families of sub-Saharan African origin.
#[rustfmt::skip]
pub const F_AFRICAN: &[&str] = &[
    "Chiamaka", "Ngozi", "Adaeze", "Funmilayo", "Abena", "Ama", "Efua", "Hodan", "Fadumo", "Hiwot", "Selam",
    "Tigist", "Chioma", "Folake", "Nkechi", "Wanjiru", "Akosua", "Yetunde",
];

/// Male names common among people born before about 1966.
#[rustfmt::skip]
pub const M_CLASSIC: &[&str] = &[
    "James", "John", "Robert", "William", "Charles", "Richard", "George", "Donald", "Joseph", "Thomas",
    "Ronald", "David", "Kenneth", "Paul", "Larry", "Edward", "Gary", "Frank", "Raymond", "Harold",
    "Walter", "Arthur", "Jack", "Henry", "Roger", "Dennis", "Jerry", "Carl", "Gerald", "Ralph",
    "Lawrence", "Wayne", "Roy", "Eugene", "Fred", "Billy", "Bobby", "Howard", "Louis", "Albert",
    "Willie", "Harry", "Earl", "Stanley", "Bruce", "Terry", "Steven", "Gregory", "Douglas", "Peter",
    "Philip", "Alan", "Russell", "Randy", "Jimmy", "Johnny", "Ernest", "Clarence", "Leonard", "Samuel",
    "Norman", "Dale", "Glenn", "Francis", "Melvin", "Herbert", "Lloyd", "Keith", "Alfred", "Dean",
    "Leroy", "Bernard", "Martin", "Vernon", "Gordon", "Allen", "Floyd", "Theodore", "Marvin", "Lee",
    "Herman", "Clifford", "Chester", "Warren", "Ray", "Leon", "Gene", "Curtis", "Barry", "Duane",
    "Lewis", "Leo", "Milton", "Tommy", "Dwight", "Lester", "Roland", "Harvey", "Jerome", "Wallace",
    "Calvin", "Nelson", "Franklin", "Cecil", "Elmer", "Everett", "Oscar", "Maurice", "Clyde", "Virgil",
    "Otis", "Homer", "Rodney", "Mark", "Danny", "Ricky", "Michael", "Daniel", "Timothy", "Stephen",
    "Jeffrey", "Donnie", "Orville", "Wilbur", "Luther", "Clifton", "Irving", "Sylvester", "Emmett", "Archie",
];

/// Male names common among people born about 1966 to 1994.
#[rustfmt::skip]
pub const M_MIDDLE: &[&str] = &[
    "Michael", "Christopher", "Matthew", "Joshua", "David", "James", "Daniel", "Robert", "John", "Joseph",
    "Jason", "Justin", "Andrew", "Ryan", "William", "Brian", "Jonathan", "Brandon", "Nicholas", "Anthony",
    "Eric", "Adam", "Kevin", "Steven", "Thomas", "Timothy", "Richard", "Jeremy", "Jeffrey", "Kyle",
    "Benjamin", "Aaron", "Charles", "Mark", "Jacob", "Stephen", "Patrick", "Scott", "Nathan", "Paul",
    "Sean", "Travis", "Zachary", "Dustin", "Gregory", "Kenneth", "Tyler", "Jesse", "Alexander", "Bryan",
    "Samuel", "Derek", "Bradley", "Chad", "Shawn", "Edward", "Jared", "Cody", "Jordan", "Peter",
    "Corey", "Keith", "Marcus", "Donald", "Ronald", "Phillip", "George", "Cory", "Joel", "Shane",
    "Douglas", "Raymond", "Brett", "Gary", "Alex", "Nathaniel", "Craig", "Ian", "Derrick", "Erik",
    "Casey", "Philip", "Frank", "Evan", "Gabriel", "Victor", "Vincent", "Larry", "Austin", "Brent",
    "Seth", "Wesley", "Dennis", "Todd", "Christian", "Luke", "Mitchell", "Trevor", "Randy", "Johnny",
    "Devin", "Blake", "Troy", "Spencer", "Garrett", "Jeremiah", "Chase", "Brad", "Darren", "Lance",
    "Dylan", "Logan", "Jeffery", "Kristopher", "Josh", "Clinton", "Ross", "Curtis", "Heath", "Jon",
];

/// Male names common among people born since about 1995.
#[rustfmt::skip]
pub const M_MODERN: &[&str] = &[
    "Liam", "Noah", "William", "James", "Oliver", "Benjamin", "Elijah", "Lucas", "Mason", "Logan",
    "Alexander", "Ethan", "Jacob", "Michael", "Daniel", "Henry", "Jackson", "Sebastian", "Aiden", "Matthew",
    "Samuel", "David", "Joseph", "Carter", "Owen", "Wyatt", "John", "Jack", "Luke", "Jayden",
    "Dylan", "Grayson", "Levi", "Isaac", "Gabriel", "Julian", "Anthony", "Jaxon", "Lincoln", "Joshua",
    "Christopher", "Andrew", "Theodore", "Caleb", "Ryan", "Asher", "Nathan", "Thomas", "Leo", "Isaiah",
    "Charles", "Josiah", "Hudson", "Christian", "Hunter", "Connor", "Eli", "Ezra", "Aaron", "Landon",
    "Adrian", "Jonathan", "Nolan", "Jeremiah", "Easton", "Elias", "Colton", "Cameron", "Carson", "Robert",
    "Maverick", "Nicholas", "Dominic", "Jaxson", "Greyson", "Adam", "Ian", "Austin", "Jordan", "Cooper",
    "Brayden", "Roman", "Evan", "Ezekiel", "Xavier", "Jace", "Jameson", "Bryson", "Axel", "Everett",
    "Parker", "Kayden", "Miles", "Sawyer", "Jason", "Declan", "Weston", "Micah", "Ayden", "Wesley",
    "Vincent", "Damian", "Zachary", "Silas", "Gavin", "Chase", "Kai", "Emmett", "Harrison", "Kingston",
    "Cole", "Tyler", "Bennett", "Bentley", "Ryker", "Tristan", "Brandon", "Kevin", "Ashton", "Rowan",
    "Braxton", "Ryder", "Maxwell", "Kaiden", "Maddox", "Justin", "Waylon", "Jonah", "Jayce", "Beau",
    "Camden", "Jasper", "Brody", "Jude", "Blake", "Brooks", "Elliot", "Finn", "Rhett", "Jaden",
];

/// Male names common among African-American families.
#[rustfmt::skip]
pub const M_BLACK: &[&str] = &[
    "DeShawn", "Darnell", "Jamal", "Tyrone", "Terrell", "Lamar", "Andre", "Marquis", "Malik", "Jermaine",
    "Darius", "DeAndre", "Tyrell", "Rashad", "Jamar", "Demetrius", "Cedric", "Reginald", "Dwayne", "Maurice",
    "Jalen", "Kareem", "Trevon", "Devonte", "Jaylen", "Darryl", "Lamont", "Terrance", "Antoine", "Roderick",
    "Alonzo", "Cornelius", "Quincy", "Tavon", "Deion", "Keyshawn", "Donte", "Javon", "Kendrick", "Jabari",
    "Amari", "Zaire", "Jamir", "Tremaine", "Desmond", "Rasheed", "Khalil", "Laquan", "Montrell", "DaQuan",
    "Jaquan", "Davion", "Da'Quan", "Ja'Von", "Tyquan", "Marquise", "Darrius", "Kwame", "Leroy", "Odell",
];

/// Male names common among Hispanic families (canonical spelling with accents).
#[rustfmt::skip]
pub const M_HISPANIC: &[&str] = &[
    "José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Jorge", "Antonio", "Francisco", "Alejandro",
    "Manuel", "Pedro", "Ricardo", "Roberto", "Fernando", "Javier", "Rafael", "Mario", "Eduardo", "Raúl",
    "Sergio", "Víctor", "Arturo", "Alberto", "Héctor", "Enrique", "Ramón", "Rubén", "Armando", "Salvador",
    "Guillermo", "Ángel", "Gerardo", "Jaime", "Óscar", "Hugo", "Julio", "Andrés", "Ignacio", "Gustavo",
    "Rodrigo", "Pablo", "Martín", "Diego", "Santiago", "Mateo", "Sebastián", "Emiliano", "Joaquín", "Iker",
    "Leonardo", "Matías", "Gael", "Adrián", "Cristian", "Edgar", "Iván", "Esteban", "Ernesto", "Felipe",
    "Gilberto", "Humberto", "Ismael", "Lorenzo", "Marco", "Mauricio", "Nicolás", "Octavio", "Orlando", "Rogelio",
    "Saúl", "Tomás", "Ulises", "Wilfredo", "Efraín", "Agustín", "Benjamín", "Alfonso", "Moisés", "Álvaro",
];

/// Male names for Chinese-American families.
#[rustfmt::skip]
pub const M_CHINESE: &[&str] = &[
    "Wei", "Jian", "Hao", "Ming", "Jun", "Lei", "Yong", "Tao", "Bo", "Feng", "Zhiwei", "Haoran", "Yuxuan",
    "Zihao", "Jianguo", "Guang", "Qiang", "Peng", "Xin", "Bin",
];

/// Male names for Vietnamese-American families.
#[rustfmt::skip]
pub const M_VIETNAMESE: &[&str] = &[
    "Minh", "Duc", "Tuan", "Hung", "Quang", "Thanh", "Nam", "Huy", "Khoa", "Long", "Phong", "Bao", "Vinh",
    "Trung", "Dat", "Hai", "Son", "Thang", "Hieu", "Cuong",
];

/// Male names for Korean-American families.
#[rustfmt::skip]
pub const M_KOREAN: &[&str] = &[
    "Ji-hoon", "Min-jun", "Seo-jun", "Dong-hyun", "Sung-min", "Jun-ho", "Hyun-woo", "Jae-won", "Young-soo",
    "Sang-hoon", "Kyung-soo", "Joon", "Taehyun", "Do-yoon", "Si-woo",
];

/// Male names for Indian-American families.
#[rustfmt::skip]
pub const M_INDIAN: &[&str] = &[
    "Ravi", "Rahul", "Amit", "Arjun", "Vikram", "Sanjay", "Rajesh", "Suresh", "Anil", "Vijay", "Aarav",
    "Vihaan", "Aditya", "Rohan", "Krishna", "Pranav", "Rakesh", "Manoj", "Deepak", "Srinivas", "Venkat",
    "Harish", "Nikhil", "Karthik", "Sandeep",
];

/// Male names for Filipino-American families.
#[rustfmt::skip]
pub const M_FILIPINO: &[&str] = &[
    "Rodel", "Jun", "Romeo", "Arnel", "Rolando", "Reynaldo", "Ferdinand", "Jomar", "Rogelio", "Danilo",
    "Bienvenido", "Marlon", "Jayson", "Efren", "Noel",
];

/// Male names for Japanese-American families.
#[rustfmt::skip]
pub const M_JAPANESE: &[&str] = &[
    "Hiroshi", "Takashi", "Kenji", "Haruto", "Yuto", "Satoshi", "Kazuo", "Akira", "Masao", "Kenta", "Daisuke",
    "Shota",
];

/// Male names for families of recent European origin.
#[rustfmt::skip]
pub const M_EUROPEAN: &[&str] = &[
    "Zbigniew", "Krzysztof", "Grzegorz", "Tomasz", "Piotr", "Paweł", "Wojciech", "Marek", "Andrzej", "Jacek",
    "Dmitri", "Sergei", "Vladimir", "Alexei", "Nikolai", "Yuri", "Igor", "Giuseppe", "Giovanni", "Salvatore",
    "Vincenzo", "Francesco", "Luigi", "Angelo", "Carmine", "Matteo", "Hans", "Klaus", "Jürgen", "Dieter",
    "Wolfgang", "Günter", "Franz", "Stefan", "Lars", "Sven", "Björn", "Anders", "Nils", "Søren",
    "Pierre", "Jean", "François", "René", "André", "Thierry", "Seamus", "Padraig", "Declan", "Cormac",
    "Eoin", "Ciarán", "Dimitrios", "Konstantinos", "Georgios", "Stavros", "Bogdan", "Dragan", "Zoltán", "László",
];

/// Male names for families of Middle-Eastern or South-Asian Muslim origin.
#[rustfmt::skip]
pub const M_MIDEAST: &[&str] = &[
    "Mohammed", "Muhammad", "Ahmed", "Ali", "Omar", "Hassan", "Hussein", "Ibrahim", "Yusuf", "Abdullah",
    "Khalid", "Mustafa", "Tariq", "Karim", "Mahmoud", "Samir", "Faisal", "Reza",
];

/// Male names for families of sub-Saharan African origin.
#[rustfmt::skip]
pub const M_AFRICAN: &[&str] = &[
    "Chukwuemeka", "Oluwaseun", "Adebayo", "Kofi", "Tendai", "Abdi", "Mohamed", "Tesfaye", "Dawit", "Emeka",
    "Babajide", "Kwabena", "Yaw", "Mamadou", "Ousmane", "Abdirahman", "Tadesse", "Chidi",
];

/// Middle names given to girls (Anglo-American style).
#[rustfmt::skip]
pub const F_MIDDLE_NAMES: &[&str] = &[
    "Marie", "Ann", "Lynn", "Elizabeth", "Louise", "Michelle", "Nicole", "Renee", "Jean", "Rose",
    "Mae", "Lee", "Kay", "Jo", "Grace", "Elaine", "Denise", "Dawn", "Sue", "Christine",
    "Diane", "Rae", "Leigh", "Danielle", "Janet", "Joy", "Faith", "Hope", "Irene", "Frances",
    "Jane", "Ruth", "Ellen", "Margaret", "Catherine", "Kathleen", "Suzanne", "Noel", "Michele", "Alexis",
    "Paige", "Brooke", "Rachel", "Nichole", "Leann", "Dianne", "Evelyn", "Olivia", "Rebecca", "Anne",
    "Victoria", "Claire", "Jade", "Quinn", "Reese", "Amelia", "Kate", "Belle", "Mary", "Dorothy",
];

/// Middle names given to boys (Anglo-American style).
#[rustfmt::skip]
pub const M_MIDDLE_NAMES: &[&str] = &[
    "James", "Michael", "Lee", "Allen", "Edward", "Joseph", "Wayne", "Ray", "Lynn", "Dean",
    "Alan", "Thomas", "William", "David", "John", "Robert", "Paul", "Anthony", "Scott", "Eugene",
    "Francis", "Gene", "Dale", "Patrick", "Charles", "Henry", "Andrew", "Matthew", "Christopher", "Daniel",
    "Richard", "Jay", "Alexander", "Ryan", "Douglas", "Wade", "Earl", "Louis", "Carl", "Glenn",
    "Neil", "Todd", "Wesley", "Everett", "Cole", "Blake", "Reid", "Grant", "Owen", "Jude",
    "Levi", "Xavier", "Elijah", "Jacob", "Jordan", "Ross", "Kyle", "Gregory", "Leon", "Roy",
    "Lloyd", "Vernon", "Oliver", "Benjamin", "Nathaniel", "Allan", "Ernest", "Gerald", "Arthur", "Frederick",
];

/// Vietnamese female middle names (Thi is very common).
pub const F_MIDDLE_VIETNAMESE: &[&str] = &["Thi", "Thi", "Thi", "Ngoc", "Thu", "Kim"];
/// Vietnamese male middle names.
pub const M_MIDDLE_VIETNAMESE: &[&str] = &["Van", "Van", "Duc", "Minh", "Quoc", "Huu"];
/// Indian female middle names.
pub const F_MIDDLE_INDIAN: &[&str] = &["Devi", "Kumari", "Rani", "Bai"];
/// Indian male middle names.
pub const M_MIDDLE_INDIAN: &[&str] = &["Kumar", "Prasad", "Lal", "Chandra", "Nath", "Raj"];

/// Name pairs that sound alike or are spelled alike (same sex): twin names and phonetic misspellings.
#[rustfmt::skip]
pub const TWIN_SAME_SEX_F: &[(&str, &str)] = &[
    ("Mariah", "Maria"), ("Ashley", "Ashlyn"), ("Madison", "Mackenzie"), ("Emma", "Emily"), ("Ella", "Emma"),
    ("Kayla", "Kaylee"), ("Brianna", "Breanna"), ("Jasmine", "Jazmin"), ("Anna", "Hannah"), ("Abigail", "Allison"),
    ("Isabel", "Isabella"), ("Hailey", "Haley"), ("Leah", "Lea"), ("Mary", "Marie"), ("Faith", "Hope"),
    ("Olivia", "Sophia"), ("Ava", "Eva"), ("Jenna", "Jenny"), ("Kristen", "Kristin"), ("Katelyn", "Kaitlyn"),
];

/// Male twin name pairs that look or sound alike.
#[rustfmt::skip]
pub const TWIN_SAME_SEX_M: &[(&str, &str)] = &[
    ("Jayden", "Jaden"), ("Aiden", "Ayden"), ("Brandon", "Brendan"), ("Ethan", "Evan"), ("Tyler", "Taylor"),
    ("Jacob", "Joshua"), ("Mason", "Matthew"), ("Logan", "Lucas"), ("Jonathan", "Johnathan"), ("Alan", "Allen"),
    ("Dominic", "Dominick"), ("Caleb", "Colby"), ("Daniel", "David"), ("Michael", "Mitchell"), ("Jordan", "Justin"),
    ("Christopher", "Christian"), ("Kevin", "Keith"), ("Aaron", "Adam"), ("Jason", "Jayson"), ("Eric", "Erik"),
];

/// Opposite-sex twin name pairs (male, female) that look alike.
#[rustfmt::skip]
pub const TWIN_OPPOSITE: &[(&str, &str)] = &[
    ("Daniel", "Danielle"), ("Christopher", "Christina"), ("Paul", "Paula"), ("Eric", "Erica"), ("Justin", "Justine"),
    ("Michael", "Michelle"), ("Jordan", "Jordyn"), ("Alexander", "Alexandra"), ("Gabriel", "Gabriella"), ("Brian", "Brianna"),
    ("Joseph", "Josephine"), ("Robert", "Roberta"), ("Frank", "Frances"), ("Carl", "Carla"), ("Julian", "Juliana"),
    ("Adrian", "Adriana"), ("Nicholas", "Nicole"), ("Andrew", "Andrea"), ("Jesse", "Jessie"), ("Francis", "Frances"),
    ("Antonio", "Antonia"), ("Gerald", "Geraldine"), ("Kristopher", "Kristina"), ("Stephen", "Stephanie"), ("Dean", "Deanna"),
];

/// Groups of given-name spellings that are pronounced alike (phonetic misspellings).
#[rustfmt::skip]
pub const PHONETIC_GIVEN: &[&[&str]] = &[
    &["Catherine", "Kathryn", "Katherine", "Catharine", "Kathrine"], &["Steven", "Stephen", "Stephan"],
    &["Sara", "Sarah"], &["Ann", "Anne"], &["Philip", "Phillip"], &["Jeffrey", "Geoffrey", "Jeffery"],
    &["Brian", "Bryan", "Brien"], &["Alan", "Allen", "Allan"], &["Carl", "Karl"], &["Eric", "Erik", "Erick"],
    &["Matthew", "Mathew"], &["Nicholas", "Nicolas", "Nickolas"], &["Kristin", "Kristen", "Christen"],
    &["Megan", "Meghan", "Meagan"], &["Rebecca", "Rebekah"], &["Teresa", "Theresa"], &["Marc", "Mark"],
    &["Sean", "Shawn", "Shaun"], &["Isabel", "Isabelle", "Isobel"], &["Caitlin", "Kaitlyn", "Katelyn", "Kaitlin"],
    &["Lindsay", "Lindsey"], &["Ashley", "Ashlee", "Ashleigh"], &["Aaliyah", "Aliyah"], &["Jaden", "Jayden", "Jaiden"],
    &["Mohammed", "Muhammad", "Mohamed", "Mohammad"], &["Christina", "Cristina", "Kristina"],
    &["Christopher", "Kristopher", "Cristopher"], &["Deborah", "Debra", "Debora"], &["Carolyn", "Caroline", "Carolin"],
    &["Erica", "Erika"], &["Rachel", "Rachael"], &["Frederick", "Frederic", "Fredrick"], &["Gerald", "Jerald"],
    &["Tracy", "Tracey"], &["Stacy", "Stacey"], &["Cathy", "Kathy"], &["John", "Jon"], &["Jonathan", "Johnathan", "Jonathon"],
    &["Marian", "Marion"], &["Allison", "Alison", "Alyson"], &["Brittany", "Britney", "Brittney"], &["Jeremy", "Jeramy"],
    &["Dwayne", "Duane"], &["Kelly", "Kelley"], &["Louis", "Lewis"], &["Vivian", "Vivienne"], &["Yvonne", "Evonne"],
    &["Hailey", "Haley", "Haleigh"], &["Jasmine", "Jazmine", "Jasmin"], &["Zachary", "Zackary", "Zachery"],
    &["Terrance", "Terence", "Terrence"], &["Cheryl", "Sheryl"], &["Sherry", "Sheri", "Sherri"], &["Joann", "JoAnn", "Joanne"],
];
