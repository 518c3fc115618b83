package seed

// Static reference lists the generator draws from: regencies, names, platforms, course topics,
// providers, employers and review texts. Amounts are not here: they come from benefit_schemes.

// regency is a regency (kabupaten) or city (kota) with its four-digit BPS/Kemendagri code.
type regency struct {
	code int
	name string
}

// provinceFacts holds what the generator knows about a province beyond its row: a weight close to
// its share of the working-age population, and some of its regencies and cities.
type provinceFacts struct {
	weight    float64
	regencies []regency
}

// provinceData is keyed by the Kemendagri province code. Java's weights (31–36) add up to well over
// half, as its share of participants did.
var provinceData = map[string]provinceFacts{
	"11": {5.3, []regency{{1171, "Kota Banda Aceh"}, {1106, "Kabupaten Aceh Besar"}, {1111, "Kabupaten Aceh Utara"}, {1173, "Kota Lhokseumawe"}, {1174, "Kota Langsa"}, {1103, "Kabupaten Aceh Timur"}}},
	"12": {14.8, []regency{{1271, "Kota Medan"}, {1207, "Kabupaten Deli Serdang"}, {1275, "Kota Binjai"}, {1272, "Kota Pematangsiantar"}, {1208, "Kabupaten Asahan"}, {1218, "Kabupaten Serdang Bedagai"}, {1277, "Kota Padangsidimpuan"}}},
	"13": {5.5, []regency{{1371, "Kota Padang"}, {1375, "Kota Bukittinggi"}, {1305, "Kabupaten Padang Pariaman"}, {1307, "Kabupaten Agam"}, {1376, "Kota Payakumbuh"}}},
	"14": {6.4, []regency{{1471, "Kota Pekanbaru"}, {1473, "Kota Dumai"}, {1406, "Kabupaten Kampar"}, {1403, "Kabupaten Indragiri Hilir"}, {1408, "Kabupaten Siak"}}},
	"15": {3.5, []regency{{1571, "Kota Jambi"}, {1505, "Kabupaten Muaro Jambi"}, {1509, "Kabupaten Bungo"}, {1507, "Kabupaten Tanjung Jabung Barat"}}},
	"16": {8.5, []regency{{1671, "Kota Palembang"}, {1674, "Kota Lubuklinggau"}, {1602, "Kabupaten Ogan Komering Ilir"}, {1603, "Kabupaten Muara Enim"}, {1672, "Kota Prabumulih"}}},
	"17": {2.0, []regency{{1771, "Kota Bengkulu"}, {1702, "Kabupaten Rejang Lebong"}, {1703, "Kabupaten Bengkulu Utara"}}},
	"18": {9.0, []regency{{1871, "Kota Bandar Lampung"}, {1872, "Kota Metro"}, {1803, "Kabupaten Lampung Selatan"}, {1805, "Kabupaten Lampung Tengah"}, {1809, "Kabupaten Pesawaran"}}},
	"19": {1.5, []regency{{1971, "Kota Pangkalpinang"}, {1901, "Kabupaten Bangka"}, {1902, "Kabupaten Belitung"}}},
	"21": {2.1, []regency{{2171, "Kota Batam"}, {2172, "Kota Tanjungpinang"}, {2101, "Kabupaten Karimun"}, {2102, "Kabupaten Bintan"}}},
	"31": {11.5, []regency{{3171, "Kota Jakarta Selatan"}, {3172, "Kota Jakarta Timur"}, {3173, "Kota Jakarta Pusat"}, {3174, "Kota Jakarta Barat"}, {3175, "Kota Jakarta Utara"}}},
	"32": {52.0, []regency{{3201, "Kabupaten Bogor"}, {3204, "Kabupaten Bandung"}, {3216, "Kabupaten Bekasi"}, {3273, "Kota Bandung"}, {3275, "Kota Bekasi"}, {3276, "Kota Depok"}, {3271, "Kota Bogor"}, {3205, "Kabupaten Garut"}, {3209, "Kabupaten Cirebon"}, {3215, "Kabupaten Karawang"}, {3202, "Kabupaten Sukabumi"}, {3206, "Kabupaten Tasikmalaya"}, {3274, "Kota Cirebon"}}},
	"33": {38.0, []regency{{3374, "Kota Semarang"}, {3372, "Kota Surakarta"}, {3302, "Kabupaten Banyumas"}, {3319, "Kabupaten Kudus"}, {3320, "Kabupaten Jepara"}, {3329, "Kabupaten Brebes"}, {3328, "Kabupaten Tegal"}, {3322, "Kabupaten Semarang"}, {3310, "Kabupaten Klaten"}, {3375, "Kota Pekalongan"}}},
	"34": {4.0, []regency{{3471, "Kota Yogyakarta"}, {3404, "Kabupaten Sleman"}, {3402, "Kabupaten Bantul"}, {3403, "Kabupaten Gunungkidul"}, {3401, "Kabupaten Kulon Progo"}}},
	"35": {43.0, []regency{{3578, "Kota Surabaya"}, {3573, "Kota Malang"}, {3515, "Kabupaten Sidoarjo"}, {3525, "Kabupaten Gresik"}, {3507, "Kabupaten Malang"}, {3509, "Kabupaten Jember"}, {3510, "Kabupaten Banyuwangi"}, {3571, "Kota Kediri"}, {3524, "Kabupaten Lamongan"}, {3517, "Kabupaten Jombang"}}},
	"36": {13.0, []regency{{3671, "Kota Tangerang"}, {3674, "Kota Tangerang Selatan"}, {3603, "Kabupaten Tangerang"}, {3673, "Kota Serang"}, {3672, "Kota Cilegon"}, {3601, "Kabupaten Pandeglang"}, {3602, "Kabupaten Lebak"}}},
	"51": {4.3, []regency{{5171, "Kota Denpasar"}, {5103, "Kabupaten Badung"}, {5104, "Kabupaten Gianyar"}, {5108, "Kabupaten Buleleng"}, {5102, "Kabupaten Tabanan"}}},
	"52": {5.3, []regency{{5271, "Kota Mataram"}, {5201, "Kabupaten Lombok Barat"}, {5202, "Kabupaten Lombok Tengah"}, {5203, "Kabupaten Lombok Timur"}, {5272, "Kota Bima"}, {5204, "Kabupaten Sumbawa"}}},
	"53": {5.3, []regency{{5371, "Kota Kupang"}, {5310, "Kabupaten Sikka"}, {5308, "Kabupaten Ende"}, {5303, "Kabupaten Timor Tengah Selatan"}, {5315, "Kabupaten Manggarai Barat"}}},
	"61": {5.4, []regency{{6171, "Kota Pontianak"}, {6172, "Kota Singkawang"}, {6104, "Kabupaten Ketapang"}, {6107, "Kabupaten Sanggau"}, {6112, "Kabupaten Kubu Raya"}}},
	"62": {2.7, []regency{{6271, "Kota Palangka Raya"}, {6202, "Kabupaten Kotawaringin Timur"}, {6201, "Kabupaten Kotawaringin Barat"}, {6203, "Kabupaten Kapuas"}}},
	"63": {4.1, []regency{{6371, "Kota Banjarmasin"}, {6372, "Kota Banjarbaru"}, {6303, "Kabupaten Banjar"}, {6301, "Kabupaten Tanah Laut"}, {6309, "Kabupaten Tabalong"}}},
	"64": {3.8, []regency{{6471, "Kota Balikpapan"}, {6472, "Kota Samarinda"}, {6474, "Kota Bontang"}, {6402, "Kabupaten Kutai Kartanegara"}, {6409, "Kabupaten Penajam Paser Utara"}}},
	"65": {0.7, []regency{{6571, "Kota Tarakan"}, {6501, "Kabupaten Malinau"}, {6502, "Kabupaten Bulungan"}, {6504, "Kabupaten Nunukan"}}},
	"71": {2.6, []regency{{7171, "Kota Manado"}, {7172, "Kota Bitung"}, {7173, "Kota Tomohon"}, {7102, "Kabupaten Minahasa"}, {7106, "Kabupaten Minahasa Utara"}}},
	"72": {3.0, []regency{{7271, "Kota Palu"}, {7203, "Kabupaten Donggala"}, {7204, "Kabupaten Tolitoli"}, {7202, "Kabupaten Banggai"}, {7210, "Kabupaten Sigi"}}},
	"73": {9.1, []regency{{7371, "Kota Makassar"}, {7373, "Kota Palopo"}, {7372, "Kota Parepare"}, {7306, "Kabupaten Gowa"}, {7309, "Kabupaten Maros"}, {7311, "Kabupaten Bone"}}},
	"74": {2.6, []regency{{7471, "Kota Kendari"}, {7472, "Kota Baubau"}, {7404, "Kabupaten Kolaka"}, {7405, "Kabupaten Konawe Selatan"}}},
	"75": {1.2, []regency{{7571, "Kota Gorontalo"}, {7501, "Kabupaten Gorontalo"}, {7502, "Kabupaten Boalemo"}, {7503, "Kabupaten Pohuwato"}}},
	"76": {1.4, []regency{{7604, "Kabupaten Mamuju"}, {7601, "Kabupaten Majene"}, {7602, "Kabupaten Polewali Mandar"}}},
	"81": {1.8, []regency{{8171, "Kota Ambon"}, {8172, "Kota Tual"}, {8101, "Kabupaten Maluku Tengah"}, {8106, "Kabupaten Seram Bagian Barat"}}},
	"82": {1.3, []regency{{8271, "Kota Ternate"}, {8272, "Kota Tidore Kepulauan"}, {8201, "Kabupaten Halmahera Barat"}, {8203, "Kabupaten Halmahera Utara"}}},
	"91": {1.0, []regency{{9171, "Kota Jayapura"}, {9103, "Kabupaten Jayapura"}, {9105, "Kabupaten Kepulauan Yapen"}, {9106, "Kabupaten Biak Numfor"}}},
	"92": {0.55, []regency{{9202, "Kabupaten Manokwari"}, {9203, "Kabupaten Fakfak"}, {9206, "Kabupaten Teluk Bintuni"}}},
	"93": {0.5, []regency{{9301, "Kabupaten Merauke"}, {9302, "Kabupaten Boven Digoel"}, {9303, "Kabupaten Mappi"}, {9304, "Kabupaten Asmat"}}},
	"94": {1.4, []regency{{9401, "Kabupaten Nabire"}, {9403, "Kabupaten Paniai"}, {9405, "Kabupaten Mimika"}}},
	"95": {1.4, []regency{{9501, "Kabupaten Jayawijaya"}, {9502, "Kabupaten Lanny Jaya"}, {9503, "Kabupaten Yahukimo"}}},
	"96": {0.6, []regency{{9671, "Kota Sorong"}, {9601, "Kabupaten Sorong"}, {9602, "Kabupaten Raja Ampat"}}},
}

// papuaSplit maps the provinces created in November 2022 to the province their people belonged to
// before: a NIK issued earlier carries the old code.
var papuaSplit = map[string]string{"93": "91", "94": "91", "95": "91", "96": "92"}

// Given names. The general lists mix Javanese, Sundanese, Malay and Islamic names; regional lists
// flavour Bali, Batak, Minahasa, Maluku, NTT and Papua.
var (
	maleGiven = []string{"Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rudi", "Andi",
		"Ahmad", "Muhammad", "Rizky", "Dimas", "Bayu", "Wahyu", "Arif", "Hadi", "Yusuf", "Ilham", "Rian", "Dani",
		"Aditya", "Reza", "Fikri", "Galih", "Gilang", "Teguh", "Bambang", "Heru", "Dwi", "Tri", "Imam", "Fauzi",
		"Rahmat", "Firman", "Anton", "Doni", "Yoga", "Bagus", "Aldi", "Farhan", "Naufal", "Rafi", "Ridwan",
		"Sigit", "Taufik", "Yogi", "Zainal", "Iwan", "Lukman", "Syahrul", "Wawan", "Yanto", "Ari", "Arya", "Bima",
		"Candra", "Danang", "Erwin", "Feri", "Hari", "Indra", "Januar", "Krisna", "Lutfi", "Miftah", "Nanda",
		"Pandu", "Randi", "Satria", "Tegar", "Umar", "Wisnu", "Yudha", "Zaki", "Alif", "Dafa", "Rendy", "Hafiz"}
	femaleGiven = []string{"Siti", "Sri", "Dewi", "Ayu", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Rina",
		"Rini", "Ratna", "Wulan", "Yuni", "Dian", "Eka", "Anisa", "Nabila", "Aisyah", "Intan", "Kartika", "Maya",
		"Mega", "Novi", "Nurul", "Puspita", "Sari", "Tuti", "Yuli", "Ani", "Endang", "Fatimah", "Hana", "Ika",
		"Lina", "Mira", "Nia", "Rizka", "Salsabila", "Tiara", "Vina", "Widya", "Yanti", "Zahra", "Amalia",
		"Annisa", "Bunga", "Citra", "Desi", "Elisa", "Fadila", "Gita", "Hesti", "Irma", "Juwita", "Kurnia",
		"Laras", "Melati", "Nadia", "Rosa", "Suci", "Utami", "Winda", "Yulia", "Cici", "Nisa", "Rahma", "Dinda"}
	sundaMale   = []string{"Asep", "Ujang", "Dadang", "Cecep", "Ade", "Jajang", "Yayan", "Dede", "Engkus", "Usep"}
	sundaFemale = []string{"Neng", "Euis", "Imas", "Titin", "Yayah", "Cucu", "Enung", "Iis", "Nining", "Lilis"}
	maleSurname = []string{"Santoso", "Wijaya", "Saputra", "Pratama", "Setiawan", "Kurniawan", "Hidayat",
		"Nugroho", "Susanto", "Gunawan", "Hermawan", "Firmansyah", "Ramadhan", "Syahputra", "Permana",
		"Suryadi", "Hakim", "Maulana", "Wibowo", "Prasetyo", "Purnomo", "Utomo", "Haryanto", "Sulistyo",
		"Rahman", "Hasan", "Iskandar", "Kusuma", "Nasrullah", "Siswanto", "Hartono", "Budiman", "Suharto",
		"Anggara", "Febrian", "Aprianto", "Sanjaya", "Mahendra", "Nugraha", "Hidayatullah"}
	femaleSurname = []string{"Lestari", "Wulandari", "Rahmawati", "Handayani", "Kusumawati", "Safitri",
		"Puspitasari", "Anggraini", "Permatasari", "Susanti", "Maharani", "Oktaviani", "Pratiwi", "Rahayu",
		"Wahyuni", "Kurniasih", "Fitriani", "Nurhayati", "Setyaningsih", "Purwanti", "Ningsih", "Yuliana",
		"Febriani", "Aprilia", "Septiani", "Novitasari", "Hartati", "Suryani", "Amelia", "Saraswati"}
	javaneseSingle = []string{"Sutrisno", "Suparman", "Sugiyono", "Sukirno", "Mulyono", "Wagiman", "Giyanto",
		"Purwanto", "Sukardi", "Jumadi", "Sumarno", "Tukimin", "Paimin", "Supriyadi", "Rusdi"}
	javaneseSingleF = []string{"Sumarni", "Suwarni", "Tukiyem", "Sarinah", "Sumini", "Parmi", "Rusmini",
		"Sulastri", "Wagiyem", "Painem", "Suyatmi", "Marsinah"}
	bataks       = []string{"Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Panjaitan", "Pardede", "Sinaga", "Tampubolon", "Situmorang", "Manurung", "Sihombing", "Hutapea", "Simatupang", "Pasaribu"}
	christianM   = []string{"Yohanes", "Stevanus", "Michael", "Daniel", "Jefri", "Rio", "Kevin", "Frans", "Agustinus", "Markus", "Yosua", "Samuel", "Petrus", "Paulus", "Natanael", "Immanuel"}
	christianF   = []string{"Maria", "Grace", "Natalia", "Angelina", "Yohana", "Stefani", "Gabriela", "Cindy", "Meylani", "Debora", "Ester", "Kristina", "Veronika", "Priscilla"}
	minahasa     = []string{"Wowor", "Sondakh", "Rumengan", "Pangemanan", "Lumentut", "Tumbelaka", "Mandagi", "Rondonuwu", "Kalalo", "Sumendap", "Lengkong", "Mamahit"}
	maluku       = []string{"Pattinama", "Latuconsina", "Tuhumury", "Sahetapy", "Leiwakabessy", "Pattiasina", "Tuasikal", "Lewerissa", "Matulessy", "Ohorella"}
	nttNames     = []string{"Fernandez", "da Silva", "Manafe", "Bria", "Tefa", "Nenobais", "Ndun", "Lado", "Kause", "Pello", "Mboi", "Sina"}
	papuaNames   = []string{"Wenda", "Yoman", "Kogoya", "Tabuni", "Wonda", "Rumbiak", "Mandowen", "Karubaba", "Kambu", "Waromi", "Mambor", "Yikwa"}
	baliMalePre  = []string{"I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Gede", "I Kadek", "I Komang"}
	baliFemPre   = []string{"Ni Luh", "Ni Putu", "Ni Made", "Ni Kadek", "Ni Komang", "Ni Nyoman", "Ni Wayan", "Ni Ketut"}
	baliMaleName = []string{"Agus", "Adi", "Suardana", "Sudarma", "Wirawan", "Arsana", "Budiarta", "Eka Putra", "Wira", "Darmawan", "Sukadana", "Artana"}
	baliFemName  = []string{"Ayu", "Sri", "Dewi", "Ratih", "Sari", "Novi", "Kartika", "Ari", "Yuliani", "Widiantari", "Sukmawati", "Purnami"}
)

// platformFacts are the partner digital platforms (mitra platform digital) with their join dates.
var platformFacts = []struct {
	code, name, website string
	y, m, d             int
	weight              float64
}{
	{"TOKOPEDIA", "Tokopedia", "https://www.tokopedia.com/prakerja", 2020, 3, 20, 22},
	{"SKILL_ACADEMY", "Skill Academy by Ruangguru", "https://skillacademy.com", 2020, 3, 20, 18},
	{"MAUBELAJARAPA", "MauBelajarApa", "https://maubelajarapa.com", 2020, 3, 20, 8},
	{"BUKALAPAK", "Bukalapak", "https://www.bukalapak.com/prakerja", 2020, 3, 20, 15},
	{"PINTARIA", "Pintaria", "https://pintaria.com", 2020, 3, 20, 9},
	{"SEKOLAHMU", "Sekolahmu", "https://www.sekolah.mu", 2020, 3, 20, 8},
	{"PIJAR_MAHIR", "Pijar Mahir", "https://pijarmahir.id", 2020, 3, 20, 8},
	{"SISNAKER", "Sisnaker (Kemnaker)", "https://sisnaker.kemnaker.go.id", 2020, 3, 20, 4},
	{"KARIERMU", "Karier.mu", "https://karier.mu", 2021, 2, 15, 7},
	{"SIAPKERJA", "SIAPkerja (Kemnaker)", "https://siapkerja.kemnaker.go.id", 2022, 6, 6, 5},
	{"PINTAR", "Pintar", "https://pintar.co", 2023, 2, 1, 6},
}

// category is a course category with the topics and job roles its titles are built from.
type category struct {
	name   string
	weight float64
	topics []string
	roles  []string
	// hands-on categories prefer workshops for face-to-face classes.
	workshop bool
}

var categories = []category{
	{"Penjualan dan Pemasaran", 14, []string{"Digital Marketing", "Pemasaran Media Sosial", "Copywriting Iklan", "Penjualan di Marketplace", "Iklan Facebook dan Instagram", "Search Engine Optimization (SEO)", "Email Marketing", "Teknik Closing Penjualan", "Live Streaming Jualan", "Branding Produk UMKM", "Affiliate Marketing", "Telemarketing", "Content Marketing", "Jualan di TikTok Shop"}, []string{"Digital Marketer", "Sales Executive", "Social Media Specialist", "Content Creator", "Customer Service Online", "Admin Marketplace"}, false},
	{"Teknologi Informasi", 10, []string{"Pemrograman Python", "Pembuatan Website dengan HTML dan CSS", "Pemrograman JavaScript", "Pemrograman Android", "Analisis Data dengan Excel", "Data Science", "Jaringan Komputer", "Keamanan Siber", "Desain UI/UX", "Pemrograman PHP dan Laravel", "Database SQL", "Cloud Computing", "Perakitan dan Perbaikan Komputer", "Microsoft Office"}, []string{"Web Developer", "Data Analyst", "Programmer Junior", "Teknisi Komputer", "Network Administrator", "UI/UX Designer"}, false},
	{"Kewirausahaan", 10, []string{"Memulai Usaha Rumahan", "Manajemen Keuangan UMKM", "Bisnis Online", "Perizinan Usaha dan NIB", "Bisnis Waralaba", "Pembukuan Sederhana", "Bisnis Reseller dan Dropship", "Perencanaan Bisnis", "Ekspor untuk UMKM", "Pengemasan Produk"}, []string{"Wirausahawan Muda", "Pengusaha Online", "Pelaku UMKM"}, false},
	{"Bahasa Asing", 7, []string{"Bahasa Inggris Percakapan", "Bahasa Inggris untuk Dunia Kerja", "Bahasa Jepang Dasar", "Bahasa Korea untuk Pekerja Migran", "Bahasa Mandarin Dasar", "Persiapan TOEFL", "Bahasa Arab Percakapan", "Bahasa Jerman Dasar", "Bahasa Inggris untuk Pariwisata"}, []string{"Penerjemah", "Pemandu Wisata Berbahasa Inggris"}, false},
	{"Keuangan", 6, []string{"Akuntansi Dasar", "Perpajakan untuk UMKM", "Penyusunan Laporan Keuangan", "Aplikasi Akuntansi", "Analisis Laporan Keuangan", "Perencanaan Keuangan Pribadi", "Investasi Reksa Dana", "Brevet Pajak A dan B", "Penyusunan Anggaran"}, []string{"Staf Akuntansi", "Admin Keuangan", "Kasir", "Konsultan Pajak Junior"}, false},
	{"Manajemen", 6, []string{"Manajemen Proyek", "Kepemimpinan Tim", "Manajemen SDM", "Manajemen Waktu", "Komunikasi Efektif di Tempat Kerja", "Negosiasi Bisnis", "Public Speaking", "Manajemen Operasional", "Manajemen Risiko"}, []string{"Supervisor", "Staf HRD", "Project Officer", "Team Leader"}, false},
	{"Pariwisata", 3, []string{"Pemanduan Wisata", "Tata Graha Hotel", "Front Office Hotel", "Pengelolaan Homestay", "Pengelolaan Desa Wisata", "Usaha Tour and Travel", "Pelayanan Prima"}, []string{"Pemandu Wisata", "Resepsionis Hotel", "Room Attendant", "Agen Perjalanan"}, false},
	{"Kuliner", 8, []string{"Membuat Kue dan Roti", "Meracik Kopi", "Masakan Nusantara", "Usaha Katering", "Produksi Frozen Food", "Pastry dan Bakery", "Minuman Kekinian", "Sambal Kemasan", "Keamanan Pangan dan Higiene", "Masakan Padang"}, []string{"Barista", "Juru Masak", "Baker", "Pastry Chef", "Cook Helper"}, true},
	{"Fashion", 4, []string{"Menjahit Pakaian", "Desain Busana", "Membuat Pola Pakaian", "Bordir Komputer", "Membatik", "Sablon Kaos", "Rajut dan Crochet", "Permak Pakaian"}, []string{"Penjahit", "Desainer Busana", "Pembatik"}, true},
	{"Pertanian", 5, []string{"Budidaya Hidroponik", "Budidaya Ikan Lele", "Pertanian Organik", "Budidaya Jamur Tiram", "Peternakan Ayam Petelur", "Budidaya Cabai", "Pembuatan Pupuk Kompos", "Budidaya Maggot BSF", "Pengolahan Hasil Pertanian", "Budidaya Kopi"}, []string{"Petani Milenial", "Penyuluh Pertanian Swadaya"}, true},
	{"Gaya Hidup", 3, []string{"Merangkai Bunga", "Kerajinan Tangan", "Membuat Sabun dan Lilin Aromaterapi", "Yoga dan Kebugaran", "Perawatan Tanaman Hias", "Parenting", "Dekorasi Rumah", "Perawatan Hewan Peliharaan"}, []string{"Instruktur Kebugaran", "Florist", "Perajin"}, false},
	{"Kecantikan", 5, []string{"Tata Rias Wajah", "Tata Rias Pengantin", "Perawatan Rambut", "Nail Art", "Spa dan Pijat Tradisional", "Pangkas Rambut", "Perawatan Kulit Wajah", "Hijab Styling"}, []string{"Make Up Artist", "Kapster Salon", "Barber", "Terapis Spa"}, true},
	{"Otomotif", 4, []string{"Servis Sepeda Motor", "Perawatan Mobil", "Kelistrikan Otomotif", "Servis Sepeda Motor Injeksi", "Body Repair dan Pengecatan", "Servis AC Mobil", "Mesin Diesel"}, []string{"Mekanik Sepeda Motor", "Mekanik Mobil", "Teknisi Otomotif"}, true},
	{"Desain Grafis", 5, []string{"Desain dengan Canva", "Adobe Photoshop", "Adobe Illustrator", "Desain Logo", "Desain Konten Media Sosial", "Desain Kemasan", "Ilustrasi Digital", "Motion Graphic", "Editing Video"}, []string{"Desainer Grafis", "Video Editor", "Ilustrator"}, false},
	{"Fotografi", 3, []string{"Fotografi Produk", "Fotografi dengan Smartphone", "Fotografi Pernikahan", "Editing Foto dengan Lightroom", "Videografi", "Fotografi Makanan", "Fotografi Potret"}, []string{"Fotografer", "Videografer"}, false},
	{"Perawatan Kesehatan", 3, []string{"Perawatan Lansia", "Pertolongan Pertama", "Perawatan Bayi dan Balita", "Pijat Bayi", "Kesehatan dan Keselamatan Kerja (K3)"}, []string{"Caregiver", "Baby Sitter", "Petugas K3"}, true},
	{"Manufaktur", 4, []string{"Pengelasan", "Operator Mesin CNC", "Listrik Industri", "Instalasi Listrik Rumah", "Servis AC dan Kulkas", "Servis Handphone", "Quality Control Produksi", "Operator Forklift", "Perbaikan Elektronik"}, []string{"Operator Produksi", "Juru Las", "Teknisi Listrik", "Teknisi AC", "Teknisi Handphone"}, true},
	{"Konstruksi", 2, []string{"Teknik Bangunan", "Gambar Teknik dengan AutoCAD", "Plumbing dan Sanitasi", "Pemasangan Keramik", "Estimasi Biaya Bangunan (RAB)", "Desain Interior", "Finishing Kayu dan Mebel"}, []string{"Drafter", "Tukang Kayu", "Mandor Bangunan"}, true},
	{"Administrasi Perkantoran", 5, []string{"Administrasi Perkantoran", "Microsoft Excel untuk Administrasi", "Kearsipan Digital", "Kesekretariatan", "Mengetik Cepat", "Korespondensi Bisnis", "Entri Data"}, []string{"Staf Administrasi", "Sekretaris", "Admin Gudang", "Data Entry Operator"}, false},
	{"Logistik", 2, []string{"Manajemen Gudang", "Ekspedisi dan Pengiriman", "Supply Chain Management", "Ekspor Impor", "Kurir Online", "Manajemen Inventori"}, []string{"Staf Gudang", "Kurir", "Staf Logistik"}, false},
}

// Title templates: %[1]s is a topic, %[2]s a role.
var (
	topicTemplates = []string{"%[1]s untuk Pemula", "Belajar %[1]s dari Nol", "Teknik Dasar %[1]s",
		"Mahir %[1]s dalam Sebulan", "Strategi %[1]s untuk UMKM", "%[1]s Tingkat Lanjut",
		"Praktik %[1]s Bersertifikat", "Kelas Intensif %[1]s", "Panduan Lengkap %[1]s",
		"%[1]s: Teori dan Praktik", "Dasar-Dasar %[1]s", "%[1]s untuk Dunia Kerja"}
	roleTemplates = []string{"Menjadi %[2]s Profesional", "Menjadi %[2]s untuk Pemula",
		"Sukses Berkarier sebagai %[2]s", "Pelatihan %[2]s Siap Kerja", "Persiapan Kerja sebagai %[2]s",
		"%[2]s Bersertifikat: %[1]s"}
	descTemplates = []string{
		"Pelatihan ini membekali peserta dengan keterampilan %s yang dibutuhkan industri, dari konsep dasar hingga praktik langsung.",
		"Peserta mempelajari %s melalui studi kasus, latihan terbimbing dan tugas akhir yang dinilai instruktur.",
		"Kelas %s ini dirancang untuk pencari kerja dan pelaku usaha yang ingin meningkatkan kompetensi.",
		"Materi %s disusun bersama praktisi, dilengkapi modul, kuis dan sesi tanya jawab.",
	}
)

// Provider name parts.
var (
	providerBrands = []string{"Arkademi", "Vokraf", "MySkill", "Skilvul", "Dicoding Academy", "Hacktiv8",
		"Purwadhika", "Binar Academy", "RevoU", "BuildWith Academy", "Kelas Kreatif", "Edukasi Prima",
		"Cakap", "Pahamify Pro", "Kursusin", "Belajar Bareng", "Rumah Belajar Digital", "Kelaskita"}
	providerWordsA = []string{"Cipta", "Bina", "Karya", "Mitra", "Prima", "Sinar", "Cahaya", "Mandiri", "Insan",
		"Cendekia", "Gemilang", "Nusa", "Bumi", "Tunas", "Harapan", "Bakti", "Sentosa", "Jaya", "Kreasi", "Widya"}
	providerWordsB = []string{"Edukasi", "Kompetensi", "Keterampilan", "Prestasi", "Kreatif", "Mulia", "Utama",
		"Persada", "Madani", "Sejahtera", "Terampil", "Unggul", "Berkarya", "Digital", "Profesional"}
	providerWordsC = []string{"Indonesia", "Nusantara", "Edukasi", "Academy", "Training Center", "Institute", "Solusi"}
	stateOwned     = []string{"Telkom Corporate University", "BRI Corporate University", "PLN Corporate University",
		"Pertamina Corporate University", "Pos Indonesia Learning Center", "BNI Corporate University",
		"Pegadaian Corporate University", "Bank DKI Academy", "Jamkrindo Learning Center", "Bank Jatim Academy"}
	governmentProviders = []struct{ name, province string }{
		{"BBPVP Bekasi", "32"}, {"BBPVP Bandung", "32"}, {"BBPVP Semarang", "33"}, {"BBPVP Medan", "12"},
		{"BBPVP Serang", "36"}, {"BBPVP Makassar", "73"}, {"BPVP Surakarta", "33"}, {"BPVP Padang", "13"},
		{"BPVP Samarinda", "64"}, {"BPVP Ternate", "82"}, {"BPVP Kendari", "74"}, {"BPVP Sidoarjo", "35"},
		{"Pusat Pelatihan Kementerian Koperasi dan UKM", "31"}, {"Balai Diklat Industri Kementerian Perindustrian", "31"},
	}
)

// employers and the positions they fill, for placement (3 in 1) outcomes.
var employers = []string{
	"PT Indomarco Prismatama (Indomaret)", "PT Sumber Alfaria Trijaya Tbk (Alfamart)", "PT Shopee International Indonesia",
	"PT Tokopedia", "PT Astra Honda Motor", "PT Astra International Tbk", "PT Unilever Indonesia Tbk",
	"PT Matahari Department Store Tbk", "PT Global Jet Express (J&T Express)", "PT Tiki Jalur Nugraha Ekakurir (JNE)",
	"PT Kawan Lama Retail", "PT Erajaya Swasembada Tbk", "PT Indofood Sukses Makmur Tbk", "PT Mayora Indah Tbk",
	"PT Garudafood Putra Putri Jaya Tbk", "PT Hotel Santika Indonesia", "PT Kereta Api Indonesia (Persero)",
	"PT Pos Indonesia (Persero)", "PT Bank Rakyat Indonesia (Persero) Tbk", "RS Siloam Hospitals",
	"PT Wings Surya", "PT Pan Brothers Tbk", "PT Bumi Berkah Boga (Kopi Kenangan)", "PT Fore Kopi Indonesia",
	"PT Mitra Adiperkasa Tbk", "CV Berkah Jaya Abadi", "Toko Roti Sari Murni", "Bengkel Maju Motor",
	"Salon Cantik Ayu", "Konveksi Sinar Jaya", "PT Gojek Indonesia", "PT Grab Teknologi Indonesia",
}

// reviewTexts are review bodies by rating (index 0 is rating 1).
var reviewTexts = [5][]string{
	{"Sangat kecewa, materi tidak sesuai dengan deskripsi pelatihan.", "Video sering error dan tidak bisa diputar.",
		"Tidak ada interaksi dengan instruktur sama sekali."},
	{"Materi terlalu dasar dan kurang sesuai judul.", "Instruktur terlalu cepat menjelaskan, sulit diikuti.",
		"Jadwal sering berubah dan informasinya kurang jelas."},
	{"Materi cukup, tetapi banyak yang sudah saya ketahui.", "Lumayan, namun kualitas audionya kurang jelas.",
		"Standar saja, perlu lebih banyak praktik langsung."},
	{"Materi bagus, hanya saja durasi videonya agak panjang.", "Cukup lengkap, semoga ada materi lanjutan.",
		"Bermanfaat, walau koneksi saat webinar sempat terputus.", "Penjelasan baik, latihan praktiknya bisa ditambah.",
		"Secara umum bagus dan sesuai deskripsi."},
	{"Materinya sangat jelas dan mudah dipahami. Instrukturnya sabar menjawab pertanyaan.",
		"Pelatihan yang sangat bermanfaat, langsung bisa saya praktikkan untuk usaha saya.",
		"Mantap! Penjelasan runtut dari dasar sampai praktik.", "Terima kasih Prakerja, ilmunya sangat berguna untuk mencari kerja.",
		"Instruktur menguasai materi dan contoh kasusnya relevan.", "Sangat puas, modul dan videonya berkualitas.",
		"Kelasnya interaktif, banyak latihan soal dan studi kasus."},
}
