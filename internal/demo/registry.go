package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// The large data set's registry: 300 invented vendors, one per BPO hub and
// line of business, so that the registry list, its search and the vendor
// pickers work on a realistic number of rows.

// hub is a city where BPO work is sent, with what its vendors speak.
type hub struct {
	city, country string
	languages     []string
	phone         string // country and area code
	noteEN        string // what the city is known for, in the vendor's notes
	noteFR        string
}

var hubs = []hub{
	{"Casablanca", "MA", []string{"fr", "ar", "es"}, "+212 522", "French-speaking customer care for telecom and energy clients.", "Relation client francophone pour les télécoms et l’énergie."},
	{"Marrakech", "MA", []string{"fr", "ar", "en"}, "+212 524", "Tourism and travel bookings, seasonal peaks.", "Réservations touristiques, forte saisonnalité."},
	{"Tunis", "TN", []string{"fr", "ar", "it", "de"}, "+216 71", "Multilingual helpdesk one hour from Paris.", "Support multilingue à une heure de Paris."},
	{"Sousse", "TN", []string{"fr", "ar", "de"}, "+216 73", "Back-office and data capture for insurers.", "Back-office et saisie pour les assureurs."},
	{"Dakar", "SN", []string{"fr", "wo", "en"}, "+221 33", "Inbound care and collections for retail banks.", "Relation client et recouvrement pour les banques de détail."},
	{"Abidjan", "CI", []string{"fr", "en"}, "+225 27", "Fast-growing site, young bilingual workforce.", "Site en forte croissance, équipes jeunes et bilingues."},
	{"Antananarivo", "MG", []string{"fr", "mg"}, "+261 20", "Document processing and moderation in French.", "Traitement documentaire et modération en français."},
	{"Ebène", "MU", []string{"en", "fr"}, "+230 403", "Bilingual finance and payroll operations.", "Opérations financières et paie bilingues."},
	{"Manila", "PH", []string{"en", "tl"}, "+63 2", "24/7 English voice and chat.", "Voix et chat en anglais 24 h/24."},
	{"Cebu", "PH", []string{"en", "tl"}, "+63 32", "Technical support for software companies.", "Support technique pour éditeurs de logiciels."},
	{"Pune", "IN", []string{"en", "hi", "mr"}, "+91 20", "Finance, payroll and automation centres.", "Centres finance, paie et automatisation."},
	{"Chennai", "IN", []string{"en", "ta", "hi"}, "+91 44", "Claims processing and healthcare back-office.", "Gestion des sinistres et back-office santé."},
	{"Kraków", "PL", []string{"pl", "en", "de", "fr"}, "+48 12", "Shared-service centres with EU data residency.", "Centres de services partagés, données hébergées dans l’UE."},
	{"Cluj-Napoca", "RO", []string{"ro", "en", "fr", "de"}, "+40 264", "IT helpdesk in five European languages.", "Support informatique en cinq langues européennes."},
	{"Sofia", "BG", []string{"bg", "en", "de", "fr"}, "+359 2", "Multilingual customer care for e-commerce.", "Service client multilingue pour le e-commerce."},
	{"Porto", "PT", []string{"pt", "en", "fr", "es"}, "+351 22", "Nearshore hub for European languages.", "Plateforme nearshore pour les langues européennes."},
	{"Bogotá", "CO", []string{"es", "en"}, "+57 601", "Spanish and English care for the Americas.", "Relation client en espagnol et en anglais pour les Amériques."},
	{"Cairo", "EG", []string{"ar", "en", "fr"}, "+20 2", "Arabic, English and French on one floor.", "Arabe, anglais et français sur le même plateau."},
	{"Nairobi", "KE", []string{"en", "sw"}, "+254 20", "Content moderation and data labelling.", "Modération de contenus et annotation de données."},
	{"Kuala Lumpur", "MY", []string{"ms", "en", "zh"}, "+60 3", "Asia-Pacific shared services.", "Services partagés pour l’Asie-Pacifique."},
}

// line is a line of business a vendor's name announces.
type line struct {
	suffix   string
	services []string
}

var lines = []line{
	{"Contact Services", []string{"customer_support"}},
	{"Relation Client", []string{"customer_support", "collections"}},
	{"Customer Care", []string{"customer_support", "it_helpdesk"}},
	{"Back-Office Solutions", []string{"back_office", "claims_processing"}},
	{"Payroll Services", []string{"payroll", "finance_accounting"}},
	{"Finance & Accounting", []string{"finance_accounting", "back_office"}},
	{"IT Helpdesk", []string{"it_helpdesk"}},
	{"Data Services", []string{"data_analysis", "back_office"}},
	{"Trust & Safety", []string{"content_moderation"}},
	{"Recouvrement", []string{"collections", "customer_support"}},
	{"Shared Services", []string{"finance_accounting", "payroll", "it_helpdesk"}},
	{"Claims Centre", []string{"claims_processing", "back_office"}},
	{"Nearshore Partners", []string{"customer_support", "back_office"}},
	{"Outsourcing Group", []string{"customer_support", "back_office", "other"}},
	{"Digital Operations", []string{"data_analysis", "content_moderation", "customer_support"}},
}

var contactFirst = []string{"Yasmine", "Mehdi", "Aïcha", "Rohan", "Maria", "Katarzyna", "João", "Amadou", "Fatou",
	"Hery", "Nour", "Andreea", "Georgi", "Camila", "Wanjiru", "Siti", "Anjali", "Karim", "Léa", "Tomasz"}

var contactLast = []string{"El Amrani", "Ben Youssef", "Diallo", "Kulkarni", "Santos", "Nowak", "Ferreira", "Ndiaye",
	"Rakoto", "Haddad", "Popescu", "Ivanov", "Restrepo", "Mwangi", "Abdullah", "Ramgoolam", "Traoré", "Kowalski", "Mansour", "Pereira"}

// asciiFold spells names in the ASCII that host names and e-mail addresses need.
var asciiFold = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "ç", "c", "é", "e", "è", "e", "ê", "e",
	"ë", "e", "í", "i", "ï", "i", "î", "i", "ó", "o", "ô", "o", "ö", "o", "ú", "u", "ü", "u", "ł", "l", "ñ", "n",
	"&", "and", " ", "-", "’", "", "'", "")

func slug(s string) string {
	return strings.Trim(asciiFold.Replace(strings.ToLower(s)), "-")
}

// registryVendors are the large data set's vendors, the same on every run.
func registryVendors() []bpo.VendorInput {
	rng := rand.New(rand.NewPCG(300, 1))
	out := make([]bpo.VendorInput, 0, len(hubs)*len(lines))
	for _, h := range hubs {
		for _, l := range lines {
			name := h.city + " " + l.suffix
			site := slug(name)
			first, last := contactFirst[rng.IntN(len(contactFirst))], contactLast[rng.IntN(len(contactLast))]
			note := h.city + ". " + h.noteEN
			if h.languages[0] == "fr" || rng.IntN(4) == 0 {
				note = h.city + ". " + h.noteFR
			}
			out = append(out, bpo.VendorInput{
				Name: name, Country: h.country, Website: "https://" + site + ".example",
				ContactName:  first + " " + last,
				ContactEmail: slug(first) + "." + slug(last) + "@" + site + ".example",
				ContactPhone: fmt.Sprintf("%s %03d %04d", h.phone, rng.IntN(900)+100, rng.IntN(10000)),
				Services:     l.services, Languages: h.languages,
				Headcount: headcount(150 + 50*rng.IntN(240)),
				Notes:     note,
			})
		}
	}
	return out
}
