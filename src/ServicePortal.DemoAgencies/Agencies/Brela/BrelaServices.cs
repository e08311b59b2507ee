using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.DemoAgencies.Agencies.Brela;

/// <summary>
/// BRELA's services that accept online applications, as in the portal's catalogue seed (codes, paths, fees, the
/// required answers of each form), and how BRELA words each status.
/// </summary>
public static class BrelaServices
{
    public static ApplicationCatalogue Catalogue { get; } = new(
        ReferencePrefix: "BRELA",
        ControlNumberPrefix: "992",
        StatusPath: "/applications/status",
        Wording: new StatusWording(
            Received: new("BRELA imepokea ombi lako la {0}.", "BRELA has received your application for {0}."),
            UnderReview: new("Afisa usajili wa BRELA anachambua ombi lako la {0}.",
                "A BRELA registration officer is examining your application for {0}."),
            NeedsCorrection: new("BRELA inaomba urekebishe taarifa moja katika ombi lako la {0}.",
                "BRELA asks you to correct one detail of your application for {0}."),
            PaymentPending: new("Lipa ada ya TZS {1} kupitia GePG kwa namba ya malipo uliyopewa ili ombi lako la {0} liendelee.",
                "Pay the fee of TZS {1} through GePG with the control number given, so that your application for {0} can go on."),
            Approved: new("BRELA imeidhinisha ombi lako la {0}; hati inaandaliwa.",
                "BRELA has approved your application for {0}; the document is being prepared."),
            Rejected: new("BRELA imekataa ombi lako la {0} kwa sababu linafanana na usajili uliopo. Unaweza kuomba upya kwa taarifa nyingine.",
                "BRELA has rejected your application for {0} because it conflicts with an existing registration. You may apply again with other details."),
            Withdrawn: new("Ombi lako la {0} limeondolewa kama ulivyoomba.", "Your application for {0} has been withdrawn, as you asked.")),
        Services:
        [
            new ApplicationService(
                Code: "brela-business-name",
                SubmitPath: "/applications/business-name",
                FeeTzs: 20_000,
                RequiredAnswers: ["proposedName", "natureOfBusiness", "region", "district"],
                Subject: new("usajili wa jina la biashara", "the registration of a business name"),
                Issued: new("Cheti cha usajili wa jina la biashara kimetolewa; kipakue kutoka mfumo wa BRELA ORS.",
                    "The certificate of registration of the business name has been issued; download it from BRELA's ORS."),
                Correction: new("proposedName", new(
                    "Jina ulilopendekeza linafanana sana na jina lililokwisha sajiliwa. Pendekeza jina jingine.",
                    "The proposed name is too close to a name already registered. Propose another name."))),
            new ApplicationService(
                Code: "brela-company-incorporation",
                SubmitPath: "/applications/company",
                FeeTzs: 195_000,
                RequiredAnswers: ["proposedName", "companyType", "shareCapitalTzs", "directors"],
                Subject: new("usajili wa kampuni", "the incorporation of a company"),
                Issued: new("Cheti cha usajili wa kampuni kimetolewa; kipakue kutoka mfumo wa BRELA ORS.",
                    "The certificate of incorporation has been issued; download it from BRELA's ORS."),
                Correction: new("directors", new(
                    "Taarifa za mkurugenzi mmoja hazijakamilika (NIN au anwani). Tafadhali zikamilishe.",
                    "One director's details are incomplete (NIN or address). Please complete them."))),
            new ApplicationService(
                Code: "brela-business-licence",
                SubmitPath: "/applications/business-licence",
                FeeTzs: 200_000,
                RequiredAnswers: ["registrationNumber", "activity"],
                Subject: new("leseni ya biashara (Kundi A)", "a business licence (Category A)"),
                Issued: new("Leseni yako ya biashara imetolewa; ipakue kutoka mfumo wa BRELA.",
                    "Your business licence has been issued; download it from BRELA's system."),
                Correction: new("tin", new(
                    "TIN uliyoandika hailingani na jina la biashara kwenye kumbukumbu za TRA.",
                    "The TIN you gave does not match the business name in TRA's records."))),
            new ApplicationService(
                Code: "brela-trademark",
                SubmitPath: "/applications/trademark",
                FeeTzs: 50_000,
                RequiredAnswers: ["registrationNumber", "activity"],
                Subject: new("usajili wa alama ya biashara au huduma", "the registration of a trade or service mark"),
                Issued: new("Alama yako imesajiliwa; cheti cha usajili wa alama kimetolewa.",
                    "Your mark is registered; the certificate of registration of the mark has been issued."),
                Correction: new("activity", new(
                    "Taja madaraja ya Nice ya bidhaa au huduma zinazolindwa na alama.",
                    "State the Nice classes of the goods or services the mark protects."))),
            new ApplicationService(
                Code: "brela-annual-returns",
                SubmitPath: "/applications/annual-returns",
                FeeTzs: 22_000,
                RequiredAnswers: ["registrationNumber", "activity"],
                Subject: new("uwasilishaji wa taarifa za mwaka za kampuni", "filing a company's annual return"),
                Issued: new("Taarifa za mwaka zimewekwa kwenye daftari; uthibitisho wa kupokelewa umetolewa.",
                    "The annual return is on the register; the acknowledgement has been issued."),
                Correction: new("registrationNumber", new(
                    "Namba ya usajili wa kampuni haipo kwenye daftari. Tafadhali ihakiki.",
                    "The company registration number is not on the register. Please check it."))),
            new ApplicationService(
                Code: "brela-industrial-licence",
                SubmitPath: "/applications/industrial-licence",
                FeeTzs: 50_000,
                RequiredAnswers: ["registrationNumber", "activity"],
                Subject: new("leseni ya viwanda", "an industrial licence"),
                Issued: new("Leseni ya kiwanda imetolewa; ipakue kutoka mfumo wa BRELA.",
                    "The industrial licence has been issued; download it from BRELA's system."),
                Correction: new("activity", new(
                    "Maelezo ya shughuli za kiwanda hayatoshi. Eleza bidhaa zitakazozalishwa na mashine.",
                    "The description of the industry is not enough. Describe the products and the machinery."))),
            new ApplicationService(
                Code: "brela-patent",
                SubmitPath: "/applications/patent",
                FeeTzs: 100_000,
                RequiredAnswers: ["registrationNumber", "activity"],
                Subject: new("usajili wa hataza", "the registration of a patent"),
                Issued: new("Hati ya hataza imetolewa; ipakue kutoka mfumo wa BRELA.",
                    "The patent certificate has been issued; download it from BRELA's system."),
                Correction: new("activity", new(
                    "Madai ya hataza hayajaelezwa wazi. Yaeleze upya.",
                    "The patent claims are not stated clearly. State them again."))),
        ]);
}
