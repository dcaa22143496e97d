using Federation.Contracts.V1;

namespace Federation.Cli.Report;

/// <summary>One text of the report in both official languages; {0}, {1}... are filled in with formatted values.</summary>
internal sealed record Text(string En, string Fr);

/// <summary>A dataset's catalogue texts in French.</summary>
internal sealed record DatasetTextFr(string Title, string Unit, string ReferencePeriod);

/// <summary>
/// Every word of the report, English and French side by side, and the French names of what the gateway publishes
/// only in English (jurisdictions, dataset, dimension and code labels, service sectors). The HTML is written once and
/// takes its words from here.
/// </summary>
internal static class ReportTexts
{
    public static readonly Text Title = new(
        "Human trafficking in Canada: report of the National Rapporteur, {0}",
        "La traite des personnes au Canada\u00A0: rapport du Rapporteur national, {0}");

    public static readonly Text SkipToContent = new("Skip to main content", "Passer au contenu principal");
    public static readonly Text OtherLanguage = new("Français", "English");
    public static readonly Text Contents = new("Contents", "Table des matières");
    public static readonly Text Synthetic = new(
        "Development federation: figures computed from synthetic data, not official statistics.",
        "Fédération de développement\u00A0: chiffres calculés à partir de données synthétiques, et non de statistiques officielles.");
    public static readonly Text Generated = new(
        "Produced on {0} from the answers of the gateway {1}, at transparency log checkpoint {2} (see Provenance).",
        "Produit le {0} à partir des réponses de la passerelle {1}, au point de contrôle {2} du journal de transparence (voir Provenance).");

    public static readonly Text Summary = new("Highlights", "Faits saillants");
    public static readonly Text SummaryVictims = new(
        "In {0}, {1} victims of human trafficking were identified in Canada (95% margin of error: ±{2}).",
        "En {0}, {1} victimes de la traite des personnes ont été identifiées au Canada (marge d'erreur à 95\u00A0%\u00A0: ±{2}).");
    public static readonly Text SummaryCourtCases = new(
        "In {0}, adult criminal courts completed {1} cases with a human trafficking charge (95% margin of error: ±{2}); {3}.",
        "En {0}, les tribunaux de juridiction criminelle pour adultes ont réglé {1} causes comportant une accusation de traite des personnes (marge d'erreur à 95\u00A0%\u00A0: ±{2}); {3}.");
    public static readonly Text SummaryCourtGuilty = new(
        "{0} of them ended in a guilty decision ({1})",
        "{0} d'entre elles se sont soldées par un verdict de culpabilité ({1})");
    public static readonly Text SummaryCourtGuiltyNotPublished = new(
        "the number that ended in a guilty decision cannot be published ({0})",
        "le nombre de verdicts de culpabilité ne peut pas être publié ({0})");
    public static readonly Text SummaryNotPublished = new(
        "The national figure for {0} cannot be published ({1}).",
        "Le chiffre national de {0} ne peut pas être publié ({1}).");
    public static readonly Text SummaryReporting = new(
        "{0} of {1} provinces and territories reported for {2}.",
        "{0} des {1} provinces et territoires ont transmis des données pour {2}.");

    public static readonly Text NationalTitle = new("{0}, Canada, by year", "{0}, Canada, selon l'année");
    public static readonly Text JurisdictionTitle = new("{0}, by province and territory, {1}", "{0}, selon la province ou le territoire, {1}");
    public static readonly Text BreakdownTitle = new("{0}, Canada, {1}, by {2}", "{0}, Canada, {1}, selon {2}");
    public static readonly Text ChartAlt = new(
        "Bar chart with 95% error bars: {0}. {1} The figures are in the table that follows.",
        "Graphique à barres avec barres d'erreur à 95\u00A0%\u00A0: {0}. {1} Les chiffres figurent dans le tableau qui suit.");
    public static readonly Text TableCaption = new("Data: {0}", "Données\u00A0: {0}");
    public static readonly Text Largest = new("Largest: {0}, {1}.", "Valeur la plus élevée\u00A0: {0}, {1}.");
    public static readonly Text NothingToChart = new("No figure of this chart can be published.", "Aucun chiffre de ce graphique ne peut être publié.");
    public static readonly Text NotShownInChart = new("Not shown (F or ..): {0}.", "Non représentés (F ou ..)\u00A0: {0}.");

    public static readonly Text CompletenessTitle = new("Completeness: who reported which year", "Exhaustivité\u00A0: quelles administrations ont transmis des données, et pour quelles années");
    public static readonly Text CompletenessIntro = new(
        "A mark means the province or territory's release for that year is included in the figures.",
        "Un crochet signifie que la diffusion de la province ou du territoire pour cette année est incluse dans les chiffres.");
    public static readonly Text Reported = new("reported", "données transmises");
    public static readonly Text NotReported = new("not reported", "aucune donnée");
    public static readonly Text YearsComplete = new(
        "{0} of {1} years have all {2} provinces and territories reporting.",
        "Pour {0} des {1} années, les {2} provinces et territoires ont tous transmis des données.");

    public static readonly Text HousingTitle = new("Safe housing next to victims identified, {0}", "Hébergement sécuritaire et victimes identifiées, {0}");
    public static readonly Text HousingIntro = new(
        "Connecting the dots: victims identified in each province and territory next to its safe-housing beds (emergency shelters and transitional housing) and the share of time those beds were all taken. Beds are aggregate counts from the national service directory; no facility is named.",
        "Relier les points\u00A0: les victimes identifiées dans chaque province et territoire, à côté des lits d'hébergement sécuritaire (refuges d'urgence et logements de transition) et de la proportion du temps où ces lits étaient tous occupés. Les lits sont des totaux agrégés du répertoire national des services; aucun établissement n'est nommé.");
    public static readonly Text DirectoryTitle = new("The national service directory in numbers", "Le répertoire national des services en chiffres");
    public static readonly Text DirectoryIntro = new(
        "Services reporting capacity, by sector, across Canada, as of {0}. {1} of {2} provinces and territories publish a current directory.",
        "Services déclarant leur capacité, selon le secteur, pour l'ensemble du Canada, en date du {0}. {1} des {2} provinces et territoires publient un répertoire à jour.");

    public static readonly Text MethodologyTitle = new("Methodology", "Méthodologie");
    public static readonly Text MethodUnit = new(
        "{0}: unit of count, one {1}; reference period, {2}. Each unit is counted once in every table, in the province or territory that reported it.",
        "{0}\u00A0: unité de dénombrement, {1}; période de référence, {2}. Chaque unité est comptée une seule fois dans chaque tableau, dans la province ou le territoire qui l'a déclarée.");
    public static readonly Text MethodPrivacy = new(
        "Differential privacy: before anything leaves a province or territory, its node adds random noise to every count (exact discrete Gaussian noise). The noise hides whether any one person is in the data, while totals over many people stay accurate. Each node may spend a privacy budget of rho = {0} per reference year (zero-concentrated differential privacy), that is (epsilon = {3}, delta = 10⁻⁶)-differential privacy; one release costs rho = {1}, that is epsilon = {2} at delta = 10⁻⁶.",
        "Confidentialité différentielle\u00A0: avant que quoi que ce soit ne quitte une province ou un territoire, son nœud ajoute un bruit aléatoire à chaque dénombrement (bruit gaussien discret exact). Le bruit masque la présence de toute personne dans les données, tandis que les totaux portant sur de nombreuses personnes demeurent exacts. Chaque nœud dispose d'un budget de confidentialité de rho = {0} par année de référence (confidentialité différentielle concentrée en zéro), soit une confidentialité différentielle (epsilon = {3}, delta = 10⁻⁶); une diffusion coûte rho = {1}, soit epsilon = {2} pour delta = 10⁻⁶.");
    public static readonly Text MethodPublication = new(
        "Publication view: the gateway estimates each figure from every protected table that measures it (least squares: a breakdown counted in several tables uses them all, which narrows its margin), then makes the estimates consistent, non-negative whole numbers: the provinces and territories add up to the national figure, and each breakdown adds up to its total. This post-processing costs no privacy.",
        "Vue de publication\u00A0: la passerelle estime chaque chiffre à partir de tous les tableaux protégés qui le mesurent (moindres carrés\u00A0: une répartition dénombrée dans plusieurs tableaux les utilise tous, ce qui resserre sa marge), puis en fait des nombres entiers non négatifs et cohérents\u00A0: les provinces et territoires s'additionnent pour donner le chiffre national, et chaque répartition s'additionne pour donner son total. Ce post-traitement ne consomme aucun budget de confidentialité.");
    public static readonly Text MethodMargin = new(
        "Margin of error: each figure is shown with its 95% margin (±). The true count lies within the figure plus or minus the margin 19 times out of 20. Margins are those of the protected estimates.",
        "Marge d'erreur\u00A0: chaque chiffre est accompagné de sa marge d'erreur à 95\u00A0% (±). Le dénombrement réel se situe dans l'intervalle formé par le chiffre plus ou moins la marge 19 fois sur 20. Les marges sont celles des estimations protégées.");
    public static readonly Text SymbolsTitle = new("Symbols", "Signes conventionnels");
    public static readonly Text SymbolE = new("use with caution (coefficient of variation above 1/6, about 16.7%, and at most 1/3, about 33.3%)", "à utiliser avec prudence (coefficient de variation supérieur à 1/6, environ 16,7\u00A0%, et d'au plus 1/3, environ 33,3\u00A0%)");
    public static readonly Text SymbolF = new("too unreliable to be published (coefficient of variation above 1/3, or a value of zero or less); no number is shown", "trop peu fiable pour être publié (coefficient de variation supérieur à 1/3, ou valeur nulle ou négative); aucun chiffre n'est affiché");
    public static readonly Text SymbolNotAvailable = new("not available: no province or territory in scope reported", "indisponible\u00A0: aucune province ni aucun territoire visé n'a transmis de données");
    public static readonly Text SymbolWithheld = new(
        "suppressed to protect individual facilities: the figure would cover too few services",
        "supprimé pour protéger les établissements\u00A0: le chiffre porterait sur trop peu de services");
    public static readonly Text MethodCapacityDisclosure = new(
        "So that no single shelter or safe house can be followed, capacity is published only in aggregate: a figure covering fewer than {0} services is suppressed (x), capacity and bed counts are rounded to a multiple of {1}, and shares to whole percent.",
        "Pour qu'aucun refuge ni aucune maison d'hébergement ne puisse être suivi, la capacité n'est publiée qu'en agrégat\u00A0: un chiffre portant sur moins de {0} services est supprimé (x), les nombres de places et de lits sont arrondis à un multiple de {1} et les proportions au point de pourcentage près.");
    public static readonly Text MethodCapacity = new(
        "Capacity: services report their available and maximum capacity to the national directory. Occupancy is 1 − available ÷ maximum; share full is the share of services with nothing available; share of time full is the share of observed bed-service time in the year during which a service was full.",
        "Capacité\u00A0: les services déclarent leur capacité disponible et maximale au répertoire national. Le taux d'occupation est 1 − disponible ÷ maximum; la proportion de services complets est la part des services n'ayant aucune place disponible; la proportion du temps complet est la part du temps observé, dans l'année, pendant lequel un service d'hébergement était complet.");

    public static readonly Text ProvenanceTitle = new("Provenance", "Provenance");
    public static readonly Text ProvenanceIntro = new(
        "Every statistic in this report was computed by the gateway from the releases accepted within the first {0} leaves of its transparency log, signed at the checkpoint below. Anyone holding the log key can check that the log still extends this checkpoint, that is, that no accepted release was removed or altered since:",
        "Chaque statistique du présent rapport a été calculée par la passerelle à partir des diffusions acceptées dans les {0} premières feuilles de son journal de transparence, signé au point de contrôle ci-dessous. Quiconque détient la clé du journal peut vérifier que le journal prolonge toujours ce point de contrôle, c'est-à-dire qu'aucune diffusion acceptée n'a été retirée ni modifiée depuis\u00A0:");
    public static readonly Text ProvenanceCapacity = new(
        "Capacity and safe-housing figures come from the service directory, which is not part of the log: they are as the gateway answered on {0}.",
        "Les chiffres de capacité et d'hébergement sécuritaire proviennent du répertoire des services, qui ne fait pas partie du journal\u00A0: ils sont tels que la passerelle les a fournis le {0}.");
    public static readonly Text TreeSize = new("Tree size", "Taille de l'arbre");
    public static readonly Text RootHash = new("Root hash (base64)", "Hachage racine (base64)");
    public static readonly Text RootHashHex = new("Root hash (hexadecimal)", "Hachage racine (hexadécimal)");
    public static readonly Text LogKey = new("Log key (name and id)", "Clé du journal (nom et identifiant)");
    public static readonly Text SignedAt = new("Signed at", "Signé le");
    public static readonly Text SignedCheckpoint = new("Signed checkpoint", "Point de contrôle signé");
    public static readonly Text VerifyCommand = new("Check it", "Vérification");

    public static readonly Text Year = new("Year", "Année");
    public static readonly Text Jurisdiction = new("Province or territory", "Province ou territoire");
    public static readonly Text VictimsIdentified = new("Victims identified", "Victimes identifiées");
    public static readonly Text Count = new("Number", "Nombre");
    public static readonly Text Margin = new("95% margin of error", "Marge d'erreur à 95\u00A0%");
    public static readonly Text Reporting = new("Reporting", "Déclarants");
    public static readonly Text Beds = new("Safe-housing beds", "Lits d'hébergement sécuritaire");
    public static readonly Text TimeFull = new("Share of time full", "Proportion du temps complet");
    public static readonly Text ServicesObserved = new("Services observed", "Services observés");
    public static readonly Text Sector = new("Sector", "Secteur");
    public static readonly Text Unit = new("Unit", "Unité");
    public static readonly Text Services = new("Services", "Services");
    public static readonly Text Available = new("Available", "Disponible");
    public static readonly Text Maximum = new("Maximum", "Maximum");
    public static readonly Text Occupancy = new("Occupancy", "Taux d'occupation");
    public static readonly Text ShareFull = new("Share of services full", "Proportion de services complets");
    public static readonly Text Canada = new("Canada", "Canada");
    public static readonly Text DataCsv = new("Data (CSV): {0}", "Données (CSV)\u00A0: {0}");
    public static readonly Text Source = new("Source: gateway answers at tree size {0}, publication view.", "Source\u00A0: réponses de la passerelle à la taille d'arbre {0}, vue de publication.");

    /// <summary>French names of the jurisdictions; the English ones are the SDK's (<see cref="Sdk.Catalog.Jurisdiction.NameOf"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> JurisdictionNamesFr = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AB"] = "Alberta",
        ["BC"] = "Colombie-Britannique",
        ["MB"] = "Manitoba",
        ["NB"] = "Nouveau-Brunswick",
        ["NL"] = "Terre-Neuve-et-Labrador",
        ["NS"] = "Nouvelle-Écosse",
        ["NT"] = "Territoires du Nord-Ouest",
        ["NU"] = "Nunavut",
        ["ON"] = "Ontario",
        ["PE"] = "Île-du-Prince-Édouard",
        ["QC"] = "Québec",
        ["SK"] = "Saskatchewan",
        ["YT"] = "Yukon",
    };

    /// <summary>French title, unit and reference period of datasets, keyed by dataset id; the English ones are the catalogue's.</summary>
    public static readonly IReadOnlyDictionary<string, DatasetTextFr> DatasetsFr = new Dictionary<string, DatasetTextFr>(StringComparer.Ordinal)
    {
        ["trafficking.victims.v1"] = new(
            "Victimes de la traite des personnes identifiées",
            "victime identifiée",
            "année civile de la date d'identification"),
        ["trafficking.prosecutions.v1"] = new(
            "Causes réglées par les tribunaux de juridiction criminelle pour adultes comportant une accusation de traite des personnes",
            "cause réglée",
            "exercice (avril à mars) de la décision finale"),
    };

    /// <summary>French titles of dimensions, keyed by dimension id: as a column heading, and after "selon"; the English title is the catalogue's.</summary>
    public static readonly IReadOnlyDictionary<string, (string Heading, string InText)> DimensionTitlesFr = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["gender"] = ("Genre", "le genre"),
        ["age_group"] = ("Âge au moment de l'identification", "l'âge au moment de l'identification"),
        ["exploitation_type"] = ("Principal type d'exploitation", "le principal type d'exploitation"),
        ["indigenous_identity"] = ("Identité autochtone", "l'identité autochtone"),
        ["citizenship_group"] = ("Citoyenneté", "la citoyenneté"),
        ["recruiter_relationship"] = ("Lien avec le recruteur", "le lien avec le recruteur"),
        ["decision"] = ("Décision", "la décision"),
        ["most_serious_offence"] = ("Infraction de traite la plus grave", "l'infraction de traite la plus grave"),
        ["sentence"] = ("Peine la plus grave (causes avec verdict de culpabilité)", "la peine la plus grave"),
        ["custody_length"] = ("Durée de la détention", "la durée de la détention"),
        ["processing_time"] = ("Temps de traitement (de la première comparution à la décision)", "le temps de traitement"),
        ["accused_gender"] = ("Genre de l'accusé", "le genre de l'accusé"),
        ["accused_age_group"] = ("Âge de l'accusé à la décision", "l'âge de l'accusé à la décision"),
    };

    /// <summary>French labels of codes, keyed "dimension/CODE"; the English label is the catalogue's.</summary>
    public static readonly IReadOnlyDictionary<string, string> CodeLabelsFr = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gender/WOMAN_GIRL"] = "Femme ou fille",
        ["gender/MAN_BOY"] = "Homme ou garçon",
        ["gender/GENDER_DIVERSE"] = "Personne de diverses identités de genre",
        ["gender/UNKNOWN"] = "Inconnu",
        ["age_group/UNDER_18"] = "Moins de 18 ans",
        ["age_group/AGE_18_24"] = "18 à 24 ans",
        ["age_group/AGE_25_34"] = "25 à 34 ans",
        ["age_group/AGE_35_PLUS"] = "35 ans et plus",
        ["age_group/UNKNOWN"] = "Inconnu",
        ["exploitation_type/SEXUAL_EXPLOITATION"] = "Exploitation sexuelle",
        ["exploitation_type/FORCED_LABOUR"] = "Travail forcé",
        ["exploitation_type/FORCED_CRIMINALITY"] = "Criminalité forcée",
        ["exploitation_type/FORCED_MARRIAGE"] = "Mariage forcé",
        ["exploitation_type/ORGAN_REMOVAL"] = "Prélèvement d'organes",
        ["exploitation_type/MULTIPLE"] = "Plus d'un type",
        ["exploitation_type/OTHER"] = "Autre",
        ["exploitation_type/UNKNOWN"] = "Inconnu",
        ["indigenous_identity/FIRST_NATIONS"] = "Premières Nations",
        ["indigenous_identity/METIS"] = "Métis",
        ["indigenous_identity/INUIT"] = "Inuits",
        ["indigenous_identity/INDIGENOUS_NOT_SPECIFIED"] = "Autochtone, non précisé",
        ["indigenous_identity/NOT_INDIGENOUS"] = "Non autochtone",
        ["indigenous_identity/UNKNOWN"] = "Inconnu",
        ["citizenship_group/CANADIAN_CITIZEN"] = "Citoyen canadien",
        ["citizenship_group/PERMANENT_RESIDENT"] = "Résident permanent",
        ["citizenship_group/FOREIGN_NATIONAL"] = "Ressortissant étranger",
        ["citizenship_group/UNKNOWN"] = "Inconnu",
        ["recruiter_relationship/INTIMATE_PARTNER"] = "Partenaire intime",
        ["recruiter_relationship/FAMILY"] = "Membre de la famille",
        ["recruiter_relationship/FRIEND_ACQUAINTANCE"] = "Ami ou connaissance",
        ["recruiter_relationship/STRANGER"] = "Personne inconnue de la victime",
        ["recruiter_relationship/OTHER"] = "Autre",
        ["recruiter_relationship/UNKNOWN"] = "Inconnu",
        ["decision/GUILTY"] = "Coupable",
        ["decision/STAYED_WITHDRAWN"] = "Arrêt ou retrait des accusations, rejet ou libération",
        ["decision/ACQUITTED"] = "Acquittement",
        ["decision/OTHER"] = "Autre décision",
        ["most_serious_offence/CC_279_01"] = "Traite des personnes (Code criminel, art. 279.01)",
        ["most_serious_offence/CC_279_011"] = "Traite de personnes âgées de moins de 18 ans (Code criminel, art. 279.011)",
        ["most_serious_offence/CC_279_02"] = "Avantage matériel tiré de la traite (Code criminel, art. 279.02)",
        ["most_serious_offence/CC_279_03"] = "Rétention ou destruction de documents (Code criminel, art. 279.03)",
        ["most_serious_offence/IRPA_118"] = "Trafic de personnes (Loi sur l'immigration et la protection des réfugiés, art. 118)",
        ["sentence/CUSTODY"] = "Détention",
        ["sentence/CONDITIONAL_SENTENCE"] = "Condamnation avec sursis",
        ["sentence/PROBATION"] = "Probation",
        ["sentence/FINE"] = "Amende",
        ["sentence/OTHER"] = "Autre peine",
        ["sentence/UNKNOWN"] = "Inconnue",
        ["sentence/NOT_GUILTY"] = "Sans objet (aucun verdict de culpabilité)",
        ["custody_length/UNDER_6_MONTHS"] = "Moins de 6 mois",
        ["custody_length/MONTHS_6_TO_UNDER_2_YEARS"] = "6 mois à moins de 2 ans",
        ["custody_length/YEARS_2_TO_UNDER_5"] = "2 ans à moins de 5 ans",
        ["custody_length/YEARS_5_PLUS"] = "5 ans ou plus",
        ["custody_length/UNKNOWN"] = "Inconnue",
        ["custody_length/NOT_CUSTODY"] = "Sans objet (aucune détention)",
        ["processing_time/UP_TO_120_DAYS"] = "120 jours ou moins",
        ["processing_time/DAYS_121_TO_365"] = "121 jours à un an",
        ["processing_time/DAYS_366_TO_730"] = "Plus d'un an à deux ans",
        ["processing_time/OVER_730_DAYS"] = "Plus de deux ans",
        ["processing_time/UNKNOWN"] = "Inconnu",
        ["accused_gender/MAN"] = "Homme",
        ["accused_gender/WOMAN"] = "Femme",
        ["accused_gender/UNKNOWN"] = "Inconnu",
        ["accused_age_group/AGE_18_24"] = "18 à 24 ans",
        ["accused_age_group/AGE_25_34"] = "25 à 34 ans",
        ["accused_age_group/AGE_35_44"] = "35 à 44 ans",
        ["accused_age_group/AGE_45_PLUS"] = "45 ans et plus",
        ["accused_age_group/UNKNOWN"] = "Inconnu",
    };

    /// <summary>Names of the directory's sectors (a service's first type) and capacity units.</summary>
    public static readonly IReadOnlyDictionary<ServiceType, Text> Sectors = new Dictionary<ServiceType, Text>
    {
        [ServiceType.EmergencyShelter] = new("Emergency shelter", "Refuge d'urgence"),
        [ServiceType.TransitionalHousing] = new("Transitional housing", "Logement de transition"),
        [ServiceType.Counselling] = new("Counselling", "Counseling"),
        [ServiceType.LegalAid] = new("Legal aid", "Aide juridique"),
        [ServiceType.MedicalCare] = new("Medical care", "Soins médicaux"),
        [ServiceType.ImmigrationHelp] = new("Immigration help", "Aide en matière d'immigration"),
        [ServiceType.Interpretation] = new("Interpretation", "Interprétation"),
        [ServiceType.IndigenousLed] = new("Indigenous-led services", "Services dirigés par des Autochtones"),
        [ServiceType.Hotline] = new("Hotline", "Ligne d'écoute"),
        [ServiceType.Employment] = new("Employment", "Emploi"),
        [ServiceType.Education] = new("Education", "Éducation"),
    };

    public static readonly IReadOnlyDictionary<CapacityUnit, Text> Units = new Dictionary<CapacityUnit, Text>
    {
        [CapacityUnit.Bed] = new("beds", "lits"),
        [CapacityUnit.Space] = new("spaces", "places"),
        [CapacityUnit.IntakeSlot] = new("intake slots", "plages d'accueil"),
    };
}
