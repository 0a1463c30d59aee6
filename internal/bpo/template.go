package bpo

// TemplateCriterion is one node of the default criteria tree.
type TemplateCriterion struct {
	Key        string // stable snake_case key, unique across the tree
	NameEN     string
	NameFR     string
	GuidanceEN string // what evaluators look for; for measured criteria, how the figure is measured and where it comes from
	GuidanceFR string
	Weight     float64 // default weight within its sibling group
	Unit       string  // measured criteria only: "s", "%", "days", "EUR"
	Better     string  // measured criteria only: "lower" or "higher"
	Children   []TemplateCriterion
}

// DefaultCriteria returns a fresh copy of the template tree (callers may
// modify it). It follows the criteria catalog: service quality first, then
// measured service levels and cost. Best, worst, limit and minimum-rating
// thresholds are deliberately left unset: managers choose them per evaluation.
func DefaultCriteria() []TemplateCriterion {
	return []TemplateCriterion{
		{
			Key:        "quality",
			NameEN:     "Service quality",
			NameFR:     "Qualité de service",
			GuidanceEN: "How well the vendor would actually do the work: its procedures, its know-how, its fit with your culture and customers, and how it communicates. This category weighs the most because good efficiency figures on their own say little about whether your customers are well served.",
			GuidanceFR: "Ce que vaut réellement le travail du prestataire, de ses procédures et de son savoir-faire à sa compréhension de votre culture et de vos clients, en passant par sa façon de communiquer. C'est la catégorie la plus lourde, car des indicateurs d'efficacité flatteurs ne garantissent pas à eux seuls que vos clients sont bien servis.",
			Weight:     60,
			Children: []TemplateCriterion{
				{
					Key:        "policies",
					NameEN:     "Policies & procedures",
					NameFR:     "Politiques et procédures",
					GuidanceEN: "Ask for the written procedures, the quality-assurance programme and the escalation paths, and check that they match how the team really works. Review data-protection and compliance practice and the certifications held (ISO 27001, PCI DSS…), including whether they are current.",
					GuidanceFR: "Demandez les procédures écrites, le programme d'assurance qualité et les circuits d'escalade, puis vérifiez qu'ils correspondent aux pratiques réelles de l'équipe. Examinez la protection des données, la conformité réglementaire et les certifications détenues (ISO\u00a027001, PCI DSS…), ainsi que leur validité.",
					Weight:     20,
				},
				{
					Key:        "process_expertise",
					NameEN:     "Process expertise",
					NameFR:     "Expertise des processus",
					GuidanceEN: "Judge whether the vendor understands your business model and has already run the exact processes you plan to outsource (for payroll, say: hourly and salaried staff, social charges, withholding and payments to the tax authorities). Ask for references on comparable work and check how the staff are trained and how experienced they are.",
					GuidanceFR: "Vérifiez que le prestataire comprend votre modèle économique et qu'il a déjà pris en charge les processus précis que vous comptez externaliser (pour la paie, par exemple\u00a0: salariés horaires et mensualisés, cotisations sociales, prélèvement à la source, reversement à l'administration fiscale). Demandez des références sur des missions comparables et regardez comment les équipes sont formées et quelle expérience elles ont.",
					Weight:     20,
				},
				{
					Key:        "cultural_fit",
					NameEN:     "Cultural fit",
					NameFR:     "Adéquation culturelle",
					GuidanceEN: "Check that the vendor adapts to your company's culture and knows the culture and language of your customers. Listen to sample calls or read sample replies: agents should use your tone and your way of addressing customers, not a generic script.",
					GuidanceFR: "Assurez-vous que le prestataire s'adapte à la culture de votre entreprise et connaît celle de vos clients, langue comprise. Écoutez des appels ou lisez des réponses types\u00a0: les conseillers doivent reprendre votre ton et votre manière de vous adresser aux clients, pas un script générique.",
					Weight:     15,
				},
				{
					Key:        "communication",
					NameEN:     "Communication responsiveness",
					NameFR:     "Réactivité de la communication",
					GuidanceEN: "Rate how promptly the vendor responds during the selection and any pilot: reports delivered on time, calls and e-mails answered within the agreed delay, named contacts who can be reached. Note any request left waiting without follow-up.",
					GuidanceFR: "Appréciez la réactivité du prestataire pendant la sélection et l'éventuel pilote\u00a0: rapports remis à l'heure, appels et e-mails traités dans le délai convenu, interlocuteurs désignés joignables. Relevez toute demande restée sans suite.",
					Weight:     15,
				},
				{
					Key:        "cx_alignment",
					NameEN:     "Customer-experience alignment",
					NameFR:     "Alignement sur l'expérience client",
					GuidanceEN: "Look for a vendor that shares your view of the customer experience and puts customers first in how it hires, coaches and measures its agents. It should accept behavioural and qualitative expectations in the contract (tone, first-contact resolution, satisfaction), not only efficiency targets.",
					GuidanceFR: "Recherchez un prestataire qui partage votre vision de l'expérience client et place le client au cœur du recrutement, de l'accompagnement et de l'évaluation de ses conseillers. Il doit accepter que le contrat fixe des attentes comportementales et qualitatives (ton, résolution au premier contact, satisfaction), et pas seulement des objectifs d'efficacité.",
					Weight:     10,
				},
				{
					Key:        "language",
					NameEN:     "Language proficiency",
					NameFR:     "Maîtrise linguistique",
					GuidanceEN: "Test the agents' written and spoken fluency in each language your customers use, for instance on a sample of calls and e-mails or with a short test. Weigh accuracy, vocabulary and how easily customers understand them, not just the level the vendor states.",
					GuidanceFR: "Testez l'aisance des conseillers, à l'écrit comme à l'oral, dans chacune des langues de vos clients, par exemple sur un échantillon d'appels et d'e-mails ou au moyen d'un court test. Tenez compte de la justesse, du vocabulaire et de la facilité de compréhension, pas seulement du niveau annoncé par le prestataire.",
					Weight:     10,
				},
				{
					Key:        "technology",
					NameEN:     "Technology & automation",
					NameFR:     "Technologie et automatisation",
					GuidanceEN: "Ask which tools the vendor uses to speed up back-office work, such as robotic process automation (RPA), AI and analytics, and what measurable gains they brought for other clients. Favour vendors whose teams and tools work across departments rather than in silos.",
					GuidanceFR: "Demandez quels outils le prestataire utilise pour accélérer le back-office (RPA, intelligence artificielle, analyse de données) et quels gains mesurables ils ont apportés chez d'autres clients. Privilégiez les prestataires dont les équipes et les outils travaillent de façon transverse plutôt qu'en silos.",
					Weight:     5,
				},
				{
					Key:        "knowledge_transfer",
					NameEN:     "Onboarding & business knowledge",
					NameFR:     "Transfert de connaissances",
					GuidanceEN: "Review the onboarding plan: how the whole team, not only the team leads, will learn your products, rules and customers, and how that knowledge will be kept up to date. Well-briefed agents answer questions in depth instead of transferring the call.",
					GuidanceFR: "Examinez le plan d'intégration\u00a0: comment toute l'équipe, et pas seulement l'encadrement, apprendra vos produits, vos règles et vos clients, et comment ces connaissances seront tenues à jour. Des conseillers bien formés répondent sur le fond au lieu de transférer l'appel.",
					Weight:     5,
				},
			},
		},
		{
			Key:        "service_levels",
			NameEN:     "Service levels",
			NameFR:     "Niveaux de service",
			GuidanceEN: "The service-level figures a contract usually commits to, each entered once per vendor from its proposal or a pilot. They count, but less than quality, because good numbers can hide a poor customer experience.",
			GuidanceFR: "Les indicateurs de niveau de service sur lesquels un contrat engage habituellement le prestataire, saisis une fois par prestataire d'après son offre ou un pilote. Ils comptent, mais moins que la qualité, car de bons chiffres peuvent masquer une expérience client médiocre.",
			Weight:     20,
			Children: []TemplateCriterion{
				{
					Key:        "aht",
					NameEN:     "Average handle time (AHT)",
					NameFR:     "Durée moyenne de traitement (DMT)",
					GuidanceEN: "Average time an agent spends on one contact, counting talk, hold and after-contact work, in seconds. Take it from the vendor's reporting in the proposal or, better, from a pilot on your own contacts. Best and worst anchors and a knock-out limit can be set for each evaluation.",
					GuidanceFR: "Temps moyen qu'un conseiller consacre à un contact, conversation, mise en attente et travail après contact compris, en secondes. Reprenez le chiffre des rapports joints à l'offre ou, mieux, mesurez-le lors d'un pilote sur vos propres contacts. Une meilleure et une pire valeur de référence, ainsi qu'une limite éliminatoire, peuvent être fixées pour chaque évaluation.",
					Weight:     30,
					Unit:       "s",
					Better:     "lower",
				},
				{
					Key:        "asa",
					NameEN:     "Average speed of answer (ASA)",
					NameFR:     "Délai moyen de réponse",
					GuidanceEN: "Average time a caller waits in the queue before an agent picks up, in seconds, from the vendor's reports or a pilot. Best and worst anchors and a knock-out limit can be set for each evaluation.",
					GuidanceFR: "Temps moyen qu'un appelant passe en file d'attente avant qu'un conseiller décroche, en secondes, d'après les rapports du prestataire ou un pilote. Une meilleure et une pire valeur de référence, ainsi qu'une limite éliminatoire, peuvent être fixées pour chaque évaluation.",
					Weight:     30,
					Unit:       "s",
					Better:     "lower",
				},
				{
					Key:        "abandonment",
					NameEN:     "Abandonment rate (ABN)",
					NameFR:     "Taux d'abandon",
					GuidanceEN: "Share of incoming calls where the caller hangs up before reaching an agent, as a percentage of calls offered, from the vendor's reports or a pilot. Best and worst anchors and a knock-out limit can be set for each evaluation.",
					GuidanceFR: "Part des appels entrants où l'appelant raccroche avant d'avoir joint un conseiller, en pourcentage des appels reçus, d'après les rapports du prestataire ou un pilote. Une meilleure et une pire valeur de référence, ainsi qu'une limite éliminatoire, peuvent être fixées pour chaque évaluation.",
					Weight:     20,
					Unit:       "%",
					Better:     "lower",
				},
				{
					Key:        "turnaround",
					NameEN:     "Back-office turnaround",
					NameFR:     "Délai de traitement back-office",
					GuidanceEN: "Average number of days to complete one back-office case, from receipt to closure (a claim from filing to refund, for example), from the vendor's track record or a pilot. Best and worst anchors and a knock-out limit can be set for each evaluation.",
					GuidanceFR: "Nombre moyen de jours nécessaires pour traiter un dossier de back-office, de sa réception à sa clôture (une réclamation jusqu'à son remboursement, par exemple), d'après les résultats passés du prestataire ou un pilote. Une meilleure et une pire valeur de référence, ainsi qu'une limite éliminatoire, peuvent être fixées pour chaque évaluation.",
					Weight:     20,
					Unit:       "days",
					Better:     "lower",
				},
			},
		},
		{
			Key:        "cost",
			NameEN:     "Cost",
			NameFR:     "Coût",
			GuidanceEN: "What the vendor charges for the service. Savings are usually the reason to outsource, but cost weighs less than quality so that a low price cannot make up for poor service.",
			GuidanceFR: "Ce que le prestataire facture pour le service. Les économies sont souvent la raison d'externaliser, mais le coût pèse moins que la qualité pour qu'un prix bas ne puisse pas compenser un service insuffisant.",
			Weight:     20,
			Children: []TemplateCriterion{
				{
					Key:        "price",
					NameEN:     "Price per FTE per month",
					NameFR:     "Prix par ETP et par mois",
					GuidanceEN: "Monthly price of one full-time-equivalent agent in euros, all-inclusive as quoted in the proposal (salary, supervision, tools, premises); convert other pricing models to this basis so that vendors are compared like for like. Best and worst anchors and a knock-out limit (such as your budget ceiling) can be set for each evaluation.",
					GuidanceFR: "Prix mensuel d'un conseiller en équivalent temps plein, en euros, tout compris selon l'offre (salaire, encadrement, outils, locaux). Ramenez les autres modes de tarification à cette base pour comparer les prestataires à périmètre égal. Une meilleure et une pire valeur de référence, ainsi qu'une limite éliminatoire (votre plafond budgétaire, par exemple), peuvent être fixées pour chaque évaluation.",
					Weight:     100,
					Unit:       "EUR",
					Better:     "lower",
				},
			},
		},
	}
}

// ScaleLevel describes one point of the rating scale.
type ScaleLevel struct {
	Value   int
	LabelEN string
	LabelFR string
	HelpEN  string // one short sentence: what this rating means for a BPO vendor
	HelpFR  string
}

// DefaultScale returns the default 1–5 scale descriptors, lowest first.
func DefaultScale() []ScaleLevel {
	return []ScaleLevel{
		{
			Value:   1,
			LabelEN: "Unacceptable",
			LabelFR: "Inacceptable",
			HelpEN:  "Falls far short of what the work needs; you could not entrust this activity to the vendor.",
			HelpFR:  "Très en deçà de ce que demande l'activité, au point qu'on ne pourrait pas la confier à ce prestataire.",
		},
		{
			Value:   2,
			LabelEN: "Weak",
			LabelFR: "Faible",
			HelpEN:  "Meets part of the requirements but has serious gaps to close before go-live.",
			HelpFR:  "Répond à une partie des exigences, mais présente des lacunes sérieuses à combler avant le démarrage.",
		},
		{
			Value:   3,
			LabelEN: "Adequate",
			LabelFR: "Satisfaisant",
			HelpEN:  "Meets the requirements, with no notable strength or weakness.",
			HelpFR:  "Répond aux exigences, sans point fort ni point faible notable.",
		},
		{
			Value:   4,
			LabelEN: "Strong",
			LabelFR: "Solide",
			HelpEN:  "Meets every requirement and exceeds some, with evidence to back it up.",
			HelpFR:  "Répond à toutes les exigences et en dépasse certaines, preuves à l'appui.",
		},
		{
			Value:   5,
			LabelEN: "Excellent",
			LabelFR: "Excellent",
			HelpEN:  "A benchmark on this point, well beyond the requirements, with proven results for other clients.",
			HelpFR:  "Une référence sur ce point, bien au-delà des exigences, avec des résultats avérés chez d'autres clients.",
		},
	}
}
