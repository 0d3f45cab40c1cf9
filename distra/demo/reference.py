"""Fixed reference data the demo brand is built from: real Indian cities, a category tree with
its HSN codes and GST rates, product lines and the names people and shops carry.

Nothing here is random; distra.demo.plan draws from these lists with a seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    """A territory's centre: a real city (or part of a big city) with its GST state code and the
    first three digits of its PIN codes. ``weight`` is the relative number of outlets."""

    code: str
    name: str
    city: str
    lat: float
    lon: float
    state: str
    pin: str
    weight: float


_S = Site
SITES = {
    s.code: s
    for s in [
        # North
        _S("DELC", "Delhi Central", "Delhi", 28.6448, 77.2167, "07", "110", 3),
        _S("DELS", "Delhi South", "Delhi", 28.5355, 77.2100, "07", "110", 3),
        _S("DELW", "Delhi West", "Delhi", 28.6663, 77.0674, "07", "110", 3),
        _S("GGN", "Gurugram", "Gurugram", 28.4595, 77.0266, "06", "122", 2),
        _S("NOI", "Noida", "Noida", 28.5355, 77.3910, "09", "201", 2),
        _S("LKO", "Lucknow", "Lucknow", 26.8467, 80.9462, "09", "226", 2),
        _S("KNP", "Kanpur", "Kanpur", 26.4499, 80.3319, "09", "208", 1.5),
        _S("AGR", "Agra", "Agra", 27.1767, 78.0081, "09", "282", 1),
        _S("VNS", "Varanasi", "Varanasi", 25.3176, 82.9739, "09", "221", 1),
        _S("GZB", "Ghaziabad", "Ghaziabad", 28.6692, 77.4538, "09", "201", 1.5),
        _S("CHD", "Chandigarh", "Chandigarh", 30.7333, 76.7794, "04", "160", 1.5),
        _S("LDH", "Ludhiana", "Ludhiana", 30.9010, 75.8573, "03", "141", 1.5),
        _S("ATQ", "Amritsar", "Amritsar", 31.6340, 74.8723, "03", "143", 1),
        _S("JUC", "Jalandhar", "Jalandhar", 31.3260, 75.5762, "03", "144", 1),
        _S("FBD", "Faridabad", "Faridabad", 28.4089, 77.3178, "06", "121", 1.5),
        _S("JAI", "Jaipur", "Jaipur", 26.9124, 75.7873, "08", "302", 2),
        _S("JDH", "Jodhpur", "Jodhpur", 26.2389, 73.0243, "08", "342", 1),
        _S("UDR", "Udaipur", "Udaipur", 24.5854, 73.7125, "08", "313", 1),
        _S("KTU", "Kota", "Kota", 25.2138, 75.8648, "08", "324", 1),
        _S("AJM", "Ajmer", "Ajmer", 26.4499, 74.6399, "08", "305", 1),
        # West
        _S("BOMS", "Mumbai South", "Mumbai", 18.9388, 72.8354, "27", "400", 3),
        _S("BOMW", "Mumbai Western Suburbs", "Mumbai", 19.1136, 72.8697, "27", "400", 3),
        _S("BOME", "Mumbai Eastern Suburbs", "Mumbai", 19.0856, 72.9081, "27", "400", 3),
        _S("THN", "Thane", "Thane", 19.2183, 72.9781, "27", "400", 2),
        _S("NVM", "Navi Mumbai", "Navi Mumbai", 19.0330, 73.0297, "27", "400", 2),
        _S("PNQ", "Pune", "Pune", 18.5204, 73.8567, "27", "411", 2.5),
        _S("PCMC", "Pimpri-Chinchwad", "Pune", 18.6298, 73.7997, "27", "411", 1.5),
        _S("NAG", "Nagpur", "Nagpur", 21.1458, 79.0882, "27", "440", 1.5),
        _S("ISK", "Nashik", "Nashik", 19.9975, 73.7898, "27", "422", 1),
        _S("IXU", "Aurangabad", "Aurangabad", 19.8762, 75.3433, "27", "431", 1),
        _S("AMD", "Ahmedabad", "Ahmedabad", 23.0225, 72.5714, "24", "380", 2.5),
        _S("STV", "Surat", "Surat", 21.1702, 72.8311, "24", "395", 2),
        _S("BDQ", "Vadodara", "Vadodara", 22.3072, 73.1812, "24", "390", 1.5),
        _S("RAJ", "Rajkot", "Rajkot", 22.3039, 70.8022, "24", "360", 1),
        _S("GNR", "Gandhinagar", "Gandhinagar", 23.2156, 72.6369, "24", "382", 1),
        _S("IDR", "Indore", "Indore", 22.7196, 75.8577, "23", "452", 1.5),
        _S("BHO", "Bhopal", "Bhopal", 23.2599, 77.4126, "23", "462", 1.5),
        _S("JLR", "Jabalpur", "Jabalpur", 23.1815, 79.9864, "23", "482", 1),
        _S("GWL", "Gwalior", "Gwalior", 26.2183, 78.1828, "23", "474", 1),
        _S("RPR", "Raipur", "Raipur", 21.2514, 81.6296, "22", "492", 1),
        # South
        _S("BLRC", "Bengaluru Central", "Bengaluru", 12.9716, 77.5946, "29", "560", 3),
        _S("BLRE", "Bengaluru East", "Bengaluru", 12.9698, 77.7500, "29", "560", 2.5),
        _S("BLRS", "Bengaluru South", "Bengaluru", 12.9063, 77.5857, "29", "560", 2.5),
        _S("MYQ", "Mysuru", "Mysuru", 12.2958, 76.6394, "29", "570", 1),
        _S("IXE", "Mangaluru", "Mangaluru", 12.9141, 74.8560, "29", "575", 1),
        _S("MAAC", "Chennai Central", "Chennai", 13.0827, 80.2707, "33", "600", 3),
        _S("MAAS", "Chennai South", "Chennai", 12.9249, 80.1000, "33", "600", 2.5),
        _S("CJB", "Coimbatore", "Coimbatore", 11.0168, 76.9558, "33", "641", 1.5),
        _S("IXM", "Madurai", "Madurai", 9.9252, 78.1198, "33", "625", 1),
        _S("TRZ", "Tiruchirappalli", "Tiruchirappalli", 10.7905, 78.7047, "33", "620", 1),
        _S("HYDC", "Hyderabad Central", "Hyderabad", 17.3850, 78.4867, "36", "500", 3),
        _S("SEC", "Secunderabad", "Hyderabad", 17.4399, 78.4983, "36", "500", 2),
        _S("HYDW", "Hyderabad West", "Hyderabad", 17.4401, 78.3489, "36", "500", 2),
        _S("VTZ", "Visakhapatnam", "Visakhapatnam", 17.6868, 83.2185, "37", "530", 1.5),
        _S("VGA", "Vijayawada", "Vijayawada", 16.5062, 80.6480, "37", "520", 1),
        _S("COK", "Kochi", "Kochi", 9.9312, 76.2673, "32", "682", 1.5),
        _S("TRV", "Thiruvananthapuram", "Thiruvananthapuram", 8.5241, 76.9366, "32", "695", 1),
        _S("CCJ", "Kozhikode", "Kozhikode", 11.2588, 75.7804, "32", "673", 1),
        _S("TCR", "Thrissur", "Thrissur", 10.5276, 76.2144, "32", "680", 1),
        _S("QLN", "Kollam", "Kollam", 8.8932, 76.6141, "32", "691", 1),
        # East
        _S("CCUC", "Kolkata Central", "Kolkata", 22.5726, 88.3639, "19", "700", 3),
        _S("CCUS", "Kolkata South", "Kolkata", 22.4965, 88.3612, "19", "700", 2.5),
        _S("HWH", "Howrah", "Howrah", 22.5958, 88.2636, "19", "711", 2),
        _S("SLK", "Salt Lake", "Kolkata", 22.5867, 88.4171, "19", "700", 1.5),
        _S("RDP", "Durgapur", "Durgapur", 23.5204, 87.3119, "19", "713", 1),
        _S("PAT", "Patna", "Patna", 25.5941, 85.1376, "10", "800", 2),
        _S("GAY", "Gaya", "Gaya", 24.7914, 85.0002, "10", "823", 1),
        _S("IXR", "Ranchi", "Ranchi", 23.3441, 85.3096, "20", "834", 1.5),
        _S("IXW", "Jamshedpur", "Jamshedpur", 22.8046, 86.2029, "20", "831", 1),
        _S("DBD", "Dhanbad", "Dhanbad", 23.7957, 86.4304, "20", "826", 1),
        _S("BBI", "Bhubaneswar", "Bhubaneswar", 20.2961, 85.8245, "21", "751", 1.5),
        _S("CTC", "Cuttack", "Cuttack", 20.4625, 85.8830, "21", "753", 1),
        _S("RRK", "Rourkela", "Rourkela", 22.2604, 84.8536, "21", "769", 1),
        _S("PUR", "Puri", "Puri", 19.8135, 85.8312, "21", "752", 0.8),
        _S("SBP", "Sambalpur", "Sambalpur", 21.4669, 83.9812, "21", "768", 0.8),
        _S("GAU", "Guwahati", "Guwahati", 26.1445, 91.7362, "18", "781", 1.5),
        _S("SHL", "Shillong", "Shillong", 25.5788, 91.8933, "17", "793", 0.8),
        _S("DIB", "Dibrugarh", "Dibrugarh", 27.4728, 94.9120, "18", "786", 0.8),
        _S("IXS", "Silchar", "Silchar", 24.8333, 92.7789, "18", "788", 0.8),
        _S("IXA", "Agartala", "Agartala", 23.8315, 91.2868, "16", "799", 0.8),
    ]
}

# Geography layouts: region → area → territory site codes. Areas are (code, name, sites).
SMALL_LAYOUT = [
    ("NORTH", "North", [
        ("DEL", "Delhi NCR", ["DELC", "GGN"]),
        ("UP", "Uttar Pradesh", ["NOI", "LKO"]),
        ("NW", "Rajasthan & Punjab", ["JAI", "CHD"]),
    ]),
    ("WEST", "West", [
        ("MH", "Mumbai & Pune", ["BOMS", "PNQ"]),
        ("GJ", "Gujarat", ["AMD", "STV"]),
        ("CEN", "Central India", ["NAG", "IDR"]),
    ]),
]

LARGE_LAYOUT = [
    ("NORTH", "North", [
        ("DEL", "Delhi NCR", ["DELC", "DELS", "DELW", "GGN", "NOI"]),
        ("UP", "Uttar Pradesh", ["LKO", "KNP", "AGR", "VNS", "GZB"]),
        ("PBHR", "Punjab & Haryana", ["CHD", "LDH", "ATQ", "JUC", "FBD"]),
        ("RJ", "Rajasthan", ["JAI", "JDH", "UDR", "KTU", "AJM"]),
    ]),
    ("WEST", "West", [
        ("MUM", "Mumbai Metro", ["BOMS", "BOMW", "BOME", "THN", "NVM"]),
        ("MH", "Rest of Maharashtra", ["PNQ", "PCMC", "NAG", "ISK", "IXU"]),
        ("GJ", "Gujarat", ["AMD", "STV", "BDQ", "RAJ", "GNR"]),
        ("MP", "Madhya Pradesh & Chhattisgarh", ["IDR", "BHO", "JLR", "GWL", "RPR"]),
    ]),
    ("SOUTH", "South", [
        ("KA", "Karnataka", ["BLRC", "BLRE", "BLRS", "MYQ", "IXE"]),
        ("TN", "Tamil Nadu", ["MAAC", "MAAS", "CJB", "IXM", "TRZ"]),
        ("TGAP", "Telangana & Andhra", ["HYDC", "SEC", "HYDW", "VTZ", "VGA"]),
        ("KL", "Kerala", ["COK", "TRV", "CCJ", "TCR", "QLN"]),
    ]),
    ("EAST", "East", [
        ("WB", "West Bengal", ["CCUC", "CCUS", "HWH", "SLK", "RDP"]),
        ("BRJH", "Bihar & Jharkhand", ["PAT", "GAY", "IXR", "IXW", "DBD"]),
        ("OD", "Odisha", ["BBI", "CTC", "RRK", "PUR", "SBP"]),
        ("NE", "North East", ["GAU", "SHL", "DIB", "IXS", "IXA"]),
    ]),
]


@dataclass(frozen=True)
class CategorySpec:
    """A leaf category: its HSN code and GST rate, the brand selling it, product lines, pack sizes
    (in ``unit``), the price of 100 ``unit`` in rupees, shelf life and litres of case per kilogram."""

    code: str
    name: str
    parent: str
    hsn: str
    gst: int
    brand: str
    unit: str
    lines: tuple[str, ...]
    sizes: tuple[int, ...]
    price_per_100: tuple[float, float]
    shelf_life: tuple[int, int]
    litres_per_kg: float


PARENT_CATEGORIES = [("FOOD", "Foods"), ("BEV", "Beverages"), ("CARE", "Personal & Home Care")]

BRANDS = [
    ("SUNRISE", "Sunrise"),
    ("CHAIBAHAR", "Chai Bahar"),
    ("FIZZO", "Fizzo"),
    ("NIRMAL", "Nirmal"),
    ("SILKARA", "Silkara"),
]

LEAF_CATEGORIES = [
    CategorySpec("BISC", "Biscuits & Cookies", "FOOD", "19053100", 18, "SUNRISE", "g",
                 ("Glucose", "Marie", "Cream Cracker", "Butter Cookies", "Choco Cream", "Coconut Crunch",
                  "Digestive", "Jeera Salted", "Elaichi Rusk", "Orange Cream"),
                 (50, 75, 100, 150, 200, 300, 400, 600), (8, 20), (180, 270), 2.5),
    CategorySpec("NAMK", "Namkeen & Snacks", "FOOD", "21069099", 12, "SUNRISE", "g",
                 ("Aloo Bhujia", "Moong Dal", "Khatta Meetha", "Navratan Mix", "Masala Peanuts",
                  "Ratlami Sev", "Chana Jor", "Cornflakes Mixture", "Banana Chips"),
                 (35, 70, 150, 200, 400, 1000), (18, 32), (120, 180), 4.0),
    CategorySpec("NOOD", "Instant Noodles & Pasta", "FOOD", "19023010", 12, "SUNRISE", "g",
                 ("Masala Noodles", "Chicken Noodles", "Atta Noodles", "Hakka Noodles", "Tomato Pasta",
                  "Cheese Macaroni", "Schezwan Noodles", "Veg Cup Noodles", "Korean Spicy", "Curry Noodles"),
                 (70, 140, 280, 420, 560), (14, 24), (240, 300), 2.2),
    CategorySpec("TEA", "Tea", "BEV", "09024020", 5, "CHAIBAHAR", "g",
                 ("Premium Leaf", "Strong Dust", "Assam CTC", "Darjeeling", "Masala Chai", "Elaichi Chai",
                  "Green Tea", "Kadak Gold", "Lemon Tea", "Tulsi Green"),
                 (50, 100, 250, 500, 1000), (40, 90), (540, 730), 2.0),
    CategorySpec("CSD", "Carbonated Drinks", "BEV", "22021010", 28, "FIZZO", "ml",
                 ("Cola", "Lemon Lime", "Orange", "Jeera Masala", "Clear Soda", "Mango Fizz",
                  "Ginger Ale", "Tonic Water", "Nimbu Soda"),
                 (200, 250, 600, 750, 1250, 2000), (4, 8), (150, 180), 1.2),
    CategorySpec("SOAP", "Bath Soaps", "CARE", "34011190", 18, "NIRMAL", "g",
                 ("Neem", "Sandal", "Rose", "Lime Fresh", "Aloe Vera", "Glycerine", "Turmeric", "Charcoal",
                  "Milk Cream"),
                 (45, 75, 100, 125, 150), (25, 45), (1095, 1095), 1.1),
    CategorySpec("SHMP", "Shampoo", "CARE", "33051090", 18, "SILKARA", "ml",
                 ("Anti-Dandruff", "Smooth & Silky", "Hair Fall Control", "Onion Oil", "Amla Shikakai",
                  "Colour Protect", "Daily Clean", "Argan Repair"),
                 (6, 80, 180, 340, 650, 1000), (40, 75), (730, 1095), 1.15),
    CategorySpec("DET", "Detergents", "CARE", "34022010", 18, "NIRMAL", "g",
                 ("Washing Powder", "Matic Front Load", "Matic Top Load", "Lemon Bar", "Liquid Detergent",
                  "Bright White", "Colour Care", "Jasmine Fresh", "Stain Remover"),
                 (200, 500, 1000, 2000, 3000, 4000, 6000), (8, 22), (730, 730), 1.4),
]

# Pack formats: (suffix, units in the pack, price factor per unit).
PACK_FORMATS = [("", 1, 1.0), (" (Pack of 4)", 4, 0.93)]
MAX_MULTIPACK_SIZE = 200  # multipacks only of units up to 200 g or ml
CASE_SIZES = (1, 2, 4, 6, 12, 24, 36, 48, 60, 72, 96, 120, 144)

FIRST_NAMES = [
    "Aarav", "Aditya", "Ajay", "Amit", "Anil", "Anita", "Anjali", "Arjun", "Ashok", "Deepak", "Divya",
    "Farhan", "Gaurav", "Geeta", "Harish", "Imran", "Jaspreet", "Karan", "Kavita", "Lakshmi", "Manoj",
    "Meena", "Mohan", "Naveen", "Neha", "Nikhil", "Pooja", "Pradeep", "Priya", "Rahul", "Rajesh",
    "Ramesh", "Ravi", "Rekha", "Rohit", "Sandeep", "Sanjay", "Saroj", "Shalini", "Sunil", "Sunita",
    "Suresh", "Tanvi", "Uday", "Vijay", "Vikram", "Vinod", "Yusuf", "Zoya", "Arun", "Bhavna", "Chetan",
    "Dinesh", "Gopal", "Hemant", "Kiran", "Murali", "Prakash", "Sachin", "Senthil",
]
SURNAMES = [
    "Sharma", "Verma", "Gupta", "Agarwal", "Singh", "Yadav", "Kumar", "Patel", "Shah", "Mehta", "Joshi",
    "Desai", "Kulkarni", "Patil", "Deshmukh", "Jain", "Bansal", "Goyal", "Mishra", "Tiwari", "Pandey",
    "Chauhan", "Rathore", "Reddy", "Rao", "Naidu", "Iyer", "Nair", "Menon", "Pillai", "Krishnan",
    "Das", "Banerjee", "Mukherjee", "Ghosh", "Sen", "Bose", "Mohanty", "Sahu", "Khan", "Ansari",
    "Qureshi", "Gill", "Sandhu", "Malhotra", "Kapoor", "Chopra", "Arora", "Bhatia", "Saxena",
]
DEITIES = ["Ganesh", "Balaji", "Sai", "Krishna", "Durga", "Lakshmi", "Hanuman", "Shiv", "Ram", "Murugan"]
LOCALITIES = [
    "Gandhi Nagar", "Shastri Nagar", "Nehru Colony", "Civil Lines", "Rajendra Nagar", "Model Town",
    "Sector 14", "Sector 22", "Subhash Nagar", "Tilak Nagar", "Patel Nagar", "Ashok Vihar", "Sadar Bazaar",
    "Main Market", "Indira Nagar", "Azad Nagar", "Old City", "New Colony", "Ram Nagar", "Jawahar Nagar",
    "Lajpat Nagar", "Ambedkar Nagar", "Shivaji Nagar", "Kamla Nagar", "Vikas Puri", "Station Area",
]
STREETS = ["Main Road", "Station Road", "MG Road", "Market Road", "Bazaar Street", "1st Cross", "2nd Main",
           "Temple Street", "Ring Road", "Link Road", "College Road", "Hospital Road"]
MODERN_TRADE_BANNERS = ["FreshCart", "DailyMart", "Metro Bazaar", "SmartBasket", "ValueMart", "CityMart",
                        "Kwik Bazaar", "HappyShop"]

# Outlet names per channel; {first}, {surname}, {deity}, {locality}, {banner} are filled in.
OUTLET_NAMES = {
    "general_trade": ["{surname} General Store", "{first} Kirana Store", "Shree {deity} Kirana",
                      "{surname} Provision Store", "New {first} Stores", "Jai {deity} General Stores",
                      "{locality} Super Bazaar", "{first} Departmental Store", "{deity} Traders"],
    "modern_trade": ["{banner} {locality}", "{banner} Express {locality}", "{banner} Hypermarket"],
    "pharmacy": ["{surname} Medical Store", "{first} Medicos", "Shree {deity} Pharmacy",
                 "{locality} Chemists", "Life Care Pharmacy {locality}", "{surname} Medical Hall"],
    "horeca": ["Hotel {first} Palace", "{surname} Dhaba", "{locality} Cafe", "Annapurna Restaurant {locality}",
               "{first}'s Kitchen", "{deity} Bhojanalaya", "Royal Caterers {locality}"],
    "wholesale": ["{surname} & Sons Wholesale", "{surname} Trading Co.", "{first} Enterprises",
                  "{surname} Brothers", "{deity} Wholesale Mart"],
}

# Channel mix and, per channel, the class mix (A, B, C) that yields roughly 15/35/50 % overall.
CHANNEL_WEIGHTS = {"general_trade": 70, "modern_trade": 8, "pharmacy": 10, "horeca": 7, "wholesale": 5}
CLASS_WEIGHTS = {
    "general_trade": (12, 33, 55),
    "modern_trade": (45, 45, 10),
    "pharmacy": (15, 40, 45),
    "horeca": (10, 35, 55),
    "wholesale": (30, 40, 30),
}
DISTRIBUTOR_NAMES = ["{surname} Distributors", "{surname} Agencies", "{surname} Enterprises",
                     "Shree {deity} Marketing", "{surname} Trading Company", "{city} Consumer Distributors",
                     "{surname} & Sons", "{first} Sales Corporation"]
# Legal form: suffix of the legal name and the PAN's holder-type letter.
LEGAL_FORMS = [(" Pvt Ltd", "C"), (" LLP", "F"), ("", "P")]
