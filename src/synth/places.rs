//! US places: street names and types, cities with states, ZIP ranges and area codes,
//! state names, and e-mail domains.

/// Street names (without type), common ones first.
#[rustfmt::skip]
pub const STREETS: &[&str] = &[
    "Main", "Oak", "Maple", "Park", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill",
    "Walnut", "Spring", "Sunset", "Highland", "Jefferson", "Lincoln", "Madison", "Jackson", "Franklin", "Church",
    "Chestnut", "Willow", "Center", "Mill", "River", "Meadow", "Forest", "Ridge", "Cherry", "Railroad",
    "Spruce", "Dogwood", "Magnolia", "Hickory", "Birch", "Poplar", "Sycamore", "Locust", "Laurel", "Holly",
    "Cypress", "Aspen", "Juniper", "Redwood", "Colonial", "Prospect", "Pleasant", "Green", "Broad", "High",
    "School", "College", "Academy", "Union", "Liberty", "Independence", "Market", "Water", "Front", "Bridge",
    "Canal", "Harbor", "Bay", "Ocean", "Beach", "Shore", "Lakeview", "Hillside", "Valley", "Mountain",
    "Canyon", "Mesa", "Vista", "Sierra", "Rio Grande", "El Camino Real", "Alameda", "Santa Fe", "San Pedro", "Del Mar",
    "Los Robles", "Las Palmas", "Peachtree", "Dixie", "King", "Queen", "Prince", "Kent", "York", "Dover",
    "Essex", "Windsor", "Cambridge", "Oxford", "Stratford", "Hampton", "Lexington", "Concord", "Salem", "Plymouth",
    "Adams", "Monroe", "Grant", "Sherman", "Wilson", "Roosevelt", "Kennedy", "Martin Luther King Jr", "Cesar Chavez", "Frederick Douglass",
    "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th",
    "11th", "12th", "14th", "16th", "18th", "21st", "23rd", "42nd", "57th", "125th",
    "Orchard", "Garden", "Rose", "Lilac", "Ivy", "Clover", "Fox Run", "Deer Creek", "Eagle", "Hawthorne",
    "Brookside", "Fairview", "Glenwood", "Greenwood", "Kingsley", "Lakeshore", "Linden", "Meadowbrook", "Oakwood", "Pinecrest",
    "Ridgewood", "Riverside", "Rolling Hills", "Shady Oak", "Stonegate", "Summit", "Timberline", "Westwood", "Wildwood", "Woodland",
    "Bluebonnet", "Cottonwood", "Mockingbird", "Palmetto", "Sawgrass", "Tamarack", "Buckeye", "Evergreen", "Heritage", "Pioneer",
    "Old Mill", "Country Club", "Airport", "Industrial", "Commerce", "Cherokee", "Seminole", "Apache", "Shawnee", "Mohawk",
    "Saint Charles", "St. Mary's", "O'Connell", "De Soto", "La Salle", "Van Ness", "MacArthur", "McKinley", "Dr. Martin Luther King", "Bayou",
];

/// Street types: (spelled out, USPS abbreviation, relative weight).
#[rustfmt::skip]
pub const STREET_TYPES: &[(&str, &str, u32)] = &[
    ("Street", "St", 30), ("Avenue", "Ave", 18), ("Road", "Rd", 12), ("Drive", "Dr", 14), ("Lane", "Ln", 7),
    ("Court", "Ct", 5), ("Boulevard", "Blvd", 4), ("Place", "Pl", 3), ("Way", "Way", 3), ("Circle", "Cir", 2),
    ("Terrace", "Ter", 2), ("Parkway", "Pkwy", 1), ("Highway", "Hwy", 1), ("Trail", "Trl", 1), ("Square", "Sq", 1),
    ("Loop", "Loop", 1), ("Pike", "Pike", 1),
];

/// Street directionals: (spelled out, abbreviation).
#[rustfmt::skip]
pub const DIRECTIONS: &[(&str, &str)] = &[
    ("North", "N"), ("South", "S"), ("East", "E"), ("West", "W"),
    ("Northeast", "NE"), ("Northwest", "NW"), ("Southeast", "SE"), ("Southwest", "SW"),
];

/// Secondary unit designators: (spelled out, abbreviation, weight).
#[rustfmt::skip]
pub const UNITS: &[(&str, &str, u32)] = &[
    ("Apartment", "Apt", 60), ("Unit", "Unit", 15), ("Suite", "Ste", 3), ("#", "#", 15), ("Lot", "Lot", 4), ("Building", "Bldg", 3),
];

/// A city: name, state, first ZIP, number of ZIPs, area codes.
pub type City = (&'static str, &'static str, u32, u32, &'static [u16]);

/// US cities with their state, a plausible ZIP range and area codes.
#[rustfmt::skip]
pub const CITIES: &[City] = &[
    ("New York", "NY", 10001, 99, &[212, 646, 917]), ("Brooklyn", "NY", 11201, 37, &[718, 347, 929]),
    ("Bronx", "NY", 10451, 25, &[718, 347]), ("Flushing", "NY", 11354, 10, &[718, 347]),
    ("Staten Island", "NY", 10301, 14, &[718]), ("Buffalo", "NY", 14201, 27, &[716]),
    ("Rochester", "NY", 14604, 20, &[585]), ("Syracuse", "NY", 13202, 19, &[315]),
    ("Albany", "NY", 12202, 10, &[518]), ("Yonkers", "NY", 10701, 10, &[914]), ("Mount Vernon", "NY", 10550, 3, &[914]),
    ("Los Angeles", "CA", 90001, 89, &[213, 323, 310, 818]), ("San Diego", "CA", 92101, 60, &[619, 858]),
    ("San Jose", "CA", 95110, 30, &[408, 669]), ("San Francisco", "CA", 94102, 32, &[415, 628]),
    ("Fresno", "CA", 93701, 25, &[559]), ("Sacramento", "CA", 95814, 30, &[916]),
    ("Long Beach", "CA", 90802, 14, &[562]), ("Oakland", "CA", 94601, 20, &[510, 341]),
    ("Bakersfield", "CA", 93301, 14, &[661]), ("Anaheim", "CA", 92801, 7, &[714, 657]),
    ("Santa Ana", "CA", 92701, 7, &[714]), ("Riverside", "CA", 92501, 8, &[951]),
    ("Stockton", "CA", 95202, 10, &[209]), ("Chula Vista", "CA", 91910, 5, &[619]), ("Irvine", "CA", 92602, 17, &[949]),
    ("Chicago", "IL", 60601, 60, &[312, 773, 872]), ("Aurora", "IL", 60502, 5, &[630]),
    ("Rockford", "IL", 61101, 13, &[815]), ("Springfield", "IL", 62701, 12, &[217]), ("Peoria", "IL", 61602, 14, &[309]),
    ("Houston", "TX", 77002, 90, &[713, 281, 832, 346]), ("San Antonio", "TX", 78201, 60, &[210, 726]),
    ("Dallas", "TX", 75201, 50, &[214, 469, 972]), ("Austin", "TX", 78701, 50, &[512, 737]),
    ("Fort Worth", "TX", 76102, 40, &[817, 682]), ("El Paso", "TX", 79901, 35, &[915]),
    ("Arlington", "TX", 76001, 18, &[817]), ("Corpus Christi", "TX", 78401, 18, &[361]),
    ("Laredo", "TX", 78040, 6, &[956]), ("Lubbock", "TX", 79401, 24, &[806]), ("Brownsville", "TX", 78520, 7, &[956]),
    ("McAllen", "TX", 78501, 4, &[956]), ("Amarillo", "TX", 79101, 24, &[806]), ("Port Arthur", "TX", 77640, 3, &[409]),
    ("Phoenix", "AZ", 85003, 50, &[602, 480, 623]), ("Tucson", "AZ", 85701, 45, &[520]),
    ("Mesa", "AZ", 85201, 13, &[480]), ("Scottsdale", "AZ", 85250, 12, &[480]),
    ("Philadelphia", "PA", 19102, 50, &[215, 267]), ("Pittsburgh", "PA", 15201, 35, &[412]),
    ("Allentown", "PA", 18101, 9, &[610, 484]), ("Erie", "PA", 16501, 10, &[814]),
    ("Scranton", "PA", 18503, 7, &[570]), ("Wilkes-Barre", "PA", 18701, 5, &[570]),
    ("Jacksonville", "FL", 32202, 55, &[904]), ("Miami", "FL", 33125, 60, &[305, 786]),
    ("Tampa", "FL", 33602, 35, &[813]), ("Orlando", "FL", 32801, 35, &[407, 321]),
    ("St. Petersburg", "FL", 33701, 15, &[727]), ("Hialeah", "FL", 33010, 6, &[305]),
    ("Tallahassee", "FL", 32301, 17, &[850]), ("Fort Lauderdale", "FL", 33301, 15, &[954]),
    ("Port St. Lucie", "FL", 34952, 4, &[772]), ("Gainesville", "FL", 32601, 10, &[352]), ("Fort Myers", "FL", 33901, 16, &[239]),
    ("Columbus", "OH", 43201, 35, &[614]), ("Cleveland", "OH", 44102, 35, &[216]),
    ("Cincinnati", "OH", 45202, 50, &[513]), ("Toledo", "OH", 43604, 20, &[419]),
    ("Akron", "OH", 44301, 20, &[330]), ("Dayton", "OH", 45402, 40, &[937]),
    ("Charlotte", "NC", 28202, 75, &[704, 980]), ("Raleigh", "NC", 27601, 15, &[919, 984]),
    ("Greensboro", "NC", 27401, 10, &[336]), ("Durham", "NC", 27701, 13, &[919]),
    ("Winston-Salem", "NC", 27101, 16, &[336]), ("Fayetteville", "NC", 28301, 14, &[910]),
    ("Indianapolis", "IN", 46201, 60, &[317]), ("Fort Wayne", "IN", 46802, 18, &[260]),
    ("Evansville", "IN", 47708, 8, &[812]), ("South Bend", "IN", 46601, 17, &[574]),
    ("Seattle", "WA", 98101, 99, &[206]), ("Spokane", "WA", 99201, 24, &[509]),
    ("Tacoma", "WA", 98402, 21, &[253]), ("Vancouver", "WA", 98660, 25, &[360]),
    ("Denver", "CO", 80202, 37, &[303, 720]), ("Colorado Springs", "CO", 80903, 20, &[719]),
    ("Aurora", "CO", 80010, 10, &[303, 720]), ("Cañon City", "CO", 81212, 1, &[719]),
    ("Boston", "MA", 2108, 30, &[617, 857]), ("Worcester", "MA", 1602, 10, &[508, 774]),
    ("Springfield", "MA", 1103, 10, &[413]), ("Cambridge", "MA", 2138, 4, &[617]),
    ("Lowell", "MA", 1850, 5, &[978]), ("Quincy", "MA", 2169, 2, &[617]),
    ("Nashville", "TN", 37201, 40, &[615, 629]), ("Memphis", "TN", 38103, 40, &[901]),
    ("Knoxville", "TN", 37902, 30, &[865]), ("Chattanooga", "TN", 37402, 20, &[423]),
    ("Detroit", "MI", 48201, 35, &[313]), ("Grand Rapids", "MI", 49503, 10, &[616]),
    ("Lansing", "MI", 48906, 10, &[517]), ("Ann Arbor", "MI", 48103, 6, &[734]), ("Flint", "MI", 48502, 8, &[810]),
    ("Oklahoma City", "OK", 73102, 70, &[405]), ("Tulsa", "OK", 74103, 45, &[918]),
    ("Portland", "OR", 97201, 30, &[503, 971]), ("Eugene", "OR", 97401, 5, &[541]), ("Salem", "OR", 97301, 5, &[503]),
    ("Las Vegas", "NV", 89101, 50, &[702, 725]), ("Henderson", "NV", 89002, 10, &[702]), ("Reno", "NV", 89501, 20, &[775]),
    ("Louisville", "KY", 40202, 30, &[502]), ("Lexington", "KY", 40502, 15, &[859]),
    ("Baltimore", "MD", 21201, 30, &[410, 443]), ("Silver Spring", "MD", 20901, 10, &[301, 240]),
    ("Rockville", "MD", 20850, 5, &[301]),
    ("Milwaukee", "WI", 53202, 30, &[414]), ("Madison", "WI", 53703, 15, &[608]), ("Green Bay", "WI", 54301, 10, &[920]),
    ("Albuquerque", "NM", 87102, 20, &[505]), ("Las Cruces", "NM", 88001, 7, &[575]), ("Santa Fe", "NM", 87501, 7, &[505]),
    ("Kansas City", "MO", 64105, 50, &[816]), ("St. Louis", "MO", 63101, 40, &[314]),
    ("Springfield", "MO", 65802, 8, &[417]), ("O'Fallon", "MO", 63366, 2, &[636]),
    ("Kansas City", "KS", 66101, 10, &[913]), ("Wichita", "KS", 67202, 25, &[316]), ("Overland Park", "KS", 66204, 10, &[913]),
    ("Atlanta", "GA", 30303, 40, &[404, 470, 678]), ("Savannah", "GA", 31401, 10, &[912]),
    ("Augusta", "GA", 30901, 10, &[706]), ("Columbus", "GA", 31901, 10, &[706]),
    ("Omaha", "NE", 68102, 35, &[402]), ("Lincoln", "NE", 68502, 25, &[402]),
    ("Minneapolis", "MN", 55401, 30, &[612]), ("St. Paul", "MN", 55101, 20, &[651]),
    ("Rochester", "MN", 55901, 5, &[507]), ("St. Cloud", "MN", 56301, 3, &[320]),
    ("New Orleans", "LA", 70112, 20, &[504]), ("Baton Rouge", "LA", 70801, 20, &[225]),
    ("Shreveport", "LA", 71101, 20, &[318]), ("Lafayette", "LA", 70501, 8, &[337]),
    ("Virginia Beach", "VA", 23451, 15, &[757]), ("Norfolk", "VA", 23502, 20, &[757]),
    ("Richmond", "VA", 23219, 30, &[804]), ("Arlington", "VA", 22201, 10, &[703, 571]),
    ("Alexandria", "VA", 22301, 15, &[703, 571]),
    ("Newark", "NJ", 7102, 13, &[973, 862]), ("Jersey City", "NJ", 7302, 9, &[201, 551]),
    ("Paterson", "NJ", 7501, 14, &[973]), ("Elizabeth", "NJ", 7201, 8, &[908]),
    ("Trenton", "NJ", 8608, 12, &[609]), ("Camden", "NJ", 8102, 9, &[856]),
    ("Birmingham", "AL", 35203, 30, &[205]), ("Montgomery", "AL", 36104, 15, &[334]),
    ("Mobile", "AL", 36602, 20, &[251]), ("Huntsville", "AL", 35801, 15, &[256]),
    ("Salt Lake City", "UT", 84101, 20, &[801, 385]), ("Provo", "UT", 84601, 6, &[801]),
    ("Honolulu", "HI", 96813, 13, &[808]), ("Anchorage", "AK", 99501, 15, &[907]),
    ("Bridgeport", "CT", 6604, 5, &[203, 475]), ("New Haven", "CT", 6510, 10, &[203]),
    ("Hartford", "CT", 6103, 10, &[860]), ("Stamford", "CT", 6901, 6, &[203]),
    ("Providence", "RI", 2903, 7, &[401]), ("Manchester", "NH", 3101, 4, &[603]),
    ("Burlington", "VT", 5401, 3, &[802]), ("Portland", "ME", 4101, 3, &[207]),
    ("Des Moines", "IA", 50309, 12, &[515]), ("Cedar Rapids", "IA", 52401, 5, &[319]),
    ("Little Rock", "AR", 72201, 20, &[501]), ("Jackson", "MS", 39201, 15, &[601, 769]),
    ("Columbia", "SC", 29201, 20, &[803]), ("Charleston", "SC", 29401, 15, &[843]),
    ("Greenville", "SC", 29601, 10, &[864]), ("Charleston", "WV", 25301, 10, &[304]),
    ("Boise", "ID", 83702, 15, &[208]), ("Coeur d'Alene", "ID", 83814, 2, &[208]),
    ("Billings", "MT", 59101, 5, &[406]), ("Fargo", "ND", 58102, 3, &[701]),
    ("Sioux Falls", "SD", 57103, 5, &[605]), ("Cheyenne", "WY", 82001, 5, &[307]),
    ("Wilmington", "DE", 19801, 8, &[302]), ("Washington", "DC", 20001, 35, &[202]),
];

/// State abbreviations and full names.
#[rustfmt::skip]
pub const STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
    ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"), ("FL", "Florida"),
    ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"),
    ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"),
    ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"), ("NH", "New Hampshire"),
    ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"), ("NC", "North Carolina"), ("ND", "North Dakota"),
    ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

/// E-mail domains with relative weights.
#[rustfmt::skip]
pub const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 40), ("yahoo.com", 15), ("hotmail.com", 8), ("aol.com", 5), ("outlook.com", 5),
    ("icloud.com", 6), ("comcast.net", 3), ("msn.com", 2), ("live.com", 2), ("att.net", 2),
    ("sbcglobal.net", 2), ("verizon.net", 1), ("me.com", 1), ("protonmail.com", 1), ("ymail.com", 1),
    ("bellsouth.net", 1), ("cox.net", 1), ("charter.net", 1), ("earthlink.net", 1), ("mail.com", 1),
];

/// Values that registration systems type into the e-mail field to mean "none".
pub const PLACEHOLDER_EMAILS: &[&str] = &[
    "none@none.com",
    "noemail@noemail.com",
    "na@na.com",
    "declined@email.com",
    "unknown@unknown.com",
    "noemail@gmail.com",
];

/// Values that registration systems type into the address line to mean "unknown".
pub const PLACEHOLDER_ADDRESSES: &[&str] = &[
    "UNKNOWN",
    "HOMELESS",
    "GENERAL DELIVERY",
    "NO ADDRESS",
    "UNK",
];
