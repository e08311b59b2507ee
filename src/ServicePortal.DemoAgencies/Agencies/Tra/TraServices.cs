using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.DemoAgencies.Agencies.Tra;

/// <summary>
/// TRA's services that accept online applications, as in the portal's catalogue seed (codes, paths, fees, the
/// required answers of each form), and how TRA words each status.
/// </summary>
public static class TraServices
{
    public static ApplicationCatalogue Catalogue { get; } = new(
        ReferencePrefix: "TRA",
        ControlNumberPrefix: "993",
        StatusPath: "/applications/status",
        Wording: new StatusWording(
            Received: new("TRA imepokea ombi lako la {0}.", "TRA has received your application for {0}."),
            UnderReview: new("Afisa kodi wa TRA anahakiki ombi lako la {0}.", "A TRA tax officer is reviewing your application for {0}."),
            NeedsCorrection: new("TRA inaomba urekebishe taarifa moja katika ombi lako la {0}.",
                "TRA asks you to correct one detail of your application for {0}."),
            PaymentPending: new("Lipa ada ya TZS {1} kupitia GePG kwa namba ya malipo uliyopewa ili ombi lako la {0} liendelee.",
                "Pay the fee of TZS {1} through GePG with the control number given, so that your application for {0} can go on."),
            Approved: new("TRA imeidhinisha ombi lako la {0}.", "TRA has approved your application for {0}."),
            Rejected: new("TRA imekataa ombi lako la {0} kwa sababu kuna kodi isiyolipwa au ritani zisizowasilishwa. Wasiliana na ofisi ya TRA ya mkoa wako.",
                "TRA has rejected your application for {0} because of unpaid tax or unfiled returns. Contact the TRA office of your region."),
            Withdrawn: new("Ombi lako la {0} limeondolewa kama ulivyoomba.", "Your application for {0} has been withdrawn, as you asked.")),
        Services:
        [
            new ApplicationService(
                Code: "tra-tin-individual",
                SubmitPath: "/applications/tin",
                FeeTzs: 0,
                RequiredAnswers: ["purpose", "region"],
                Subject: new("TIN ya mtu binafsi", "a personal TIN"),
                Issued: new("TIN yako imetolewa; cheti cha TIN kiko kwenye akaunti yako ya lango.",
                    "Your TIN has been issued; the TIN certificate is in your portal account."),
                Correction: new("region", new(
                    "Mkoa uliouchagua haulingani na anwani yako ya makazi. Tafadhali uhakiki.",
                    "The region you chose does not match your residential address. Please check it."))),
            new ApplicationService(
                Code: "tra-tin-business",
                SubmitPath: "/applications/tin-business",
                FeeTzs: 0,
                RequiredAnswers: ["tin"],
                Subject: new("TIN ya kampuni au taasisi", "a TIN for a company or organisation"),
                Issued: new("TIN ya kampuni imetolewa; cheti cha TIN kiko kwenye akaunti yako ya lango.",
                    "The company's TIN has been issued; the TIN certificate is in your portal account."),
                Correction: new("tin", new(
                    "TIN ya mkurugenzi uliyoandika haipo kwenye kumbukumbu za TRA.",
                    "The director's TIN you gave is not in TRA's records."))),
            new ApplicationService(
                Code: "tra-tax-clearance",
                SubmitPath: "/applications/tax-clearance",
                FeeTzs: 0,
                RequiredAnswers: ["tin"],
                Subject: new("hati ya uthibitisho wa ulipaji kodi", "a tax clearance certificate"),
                Issued: new("Hati yako ya uthibitisho wa ulipaji kodi imetolewa; ipakue kutoka kwenye akaunti yako ya lango.",
                    "Your tax clearance certificate has been issued; download it from your portal account."),
                Correction: new("year", new(
                    "Mwaka wa kodi haujatajwa. Taja mwaka unaouhitaji.",
                    "The tax year is missing. State the year you need."))),
            new ApplicationService(
                Code: "tra-vehicle-registration",
                SubmitPath: "/applications/vehicle-registration",
                FeeTzs: 410_000,
                RequiredAnswers: ["tin", "chassisNumber"],
                Subject: new("usajili wa gari", "the registration of a motor vehicle"),
                Issued: new("Kadi ya usajili wa gari na namba zake viko tayari kuchukuliwa katika ofisi ya TRA ya mkoa.",
                    "The vehicle registration card and number plates are ready for collection at the TRA regional office."),
                Correction: new("chassisNumber", new(
                    "Namba ya chasisi hailingani na hati ya forodha. Tafadhali ihakiki.",
                    "The chassis number does not match the customs release. Please check it."))),
            new ApplicationService(
                Code: "tra-vehicle-transfer",
                SubmitPath: "/applications/vehicle-transfer",
                FeeTzs: 50_000,
                RequiredAnswers: ["tin", "chassisNumber"],
                Subject: new("uhamisho wa umiliki wa gari", "the transfer of a vehicle's ownership"),
                Issued: new("Kadi mpya ya usajili kwa jina la mnunuzi iko tayari kuchukuliwa katika ofisi ya TRA ya mkoa.",
                    "The new registration card in the buyer's name is ready for collection at the TRA regional office."),
                Correction: new("registrationNumber", new(
                    "Namba ya usajili wa gari hailingani na kadi ya gari. Tafadhali ihakiki.",
                    "The registration number does not match the vehicle card. Please check it."))),
            new ApplicationService(
                Code: "tra-driving-licence",
                SubmitPath: "/applications/driving-licence",
                FeeTzs: 70_000,
                RequiredAnswers: ["tin"],
                Subject: new("leseni ya udereva", "a driving licence"),
                Issued: new("Leseni yako ya udereva iko tayari kuchukuliwa katika ofisi ya TRA ya mkoa.",
                    "Your driving licence is ready for collection at the TRA regional office."),
                Correction: new("details", new(
                    "Namba ya cheti cha jaribio la udereva haijatajwa. Tafadhali itaje.",
                    "The number of the driving test certificate is missing. Please give it."))),
            new ApplicationService(
                Code: "tra-efd",
                SubmitPath: "/applications/efd",
                FeeTzs: 0,
                RequiredAnswers: ["tin"],
                Subject: new("usajili wa mashine ya EFD", "the registration of an EFD"),
                Issued: new("Mashine yako ya EFD imesajiliwa na iko tayari kutoa risiti.",
                    "Your EFD is registered and ready to issue receipts."),
                Correction: new("details", new(
                    "Namba ya utambulisho ya mashine haijatajwa. Tafadhali itaje.",
                    "The device's serial number is missing. Please give it."))),
            new ApplicationService(
                Code: "tra-vat-registration",
                SubmitPath: "/applications/vat",
                FeeTzs: 0,
                RequiredAnswers: ["tin"],
                Subject: new("usajili wa VAT", "VAT registration"),
                Issued: new("Cheti cha usajili wa VAT (VRN) kimetolewa; kipakue kutoka kwenye akaunti yako ya lango.",
                    "The VAT registration certificate (VRN) has been issued; download it from your portal account."),
                Correction: new("details", new(
                    "Taarifa za mauzo ya miezi 12 hazijakamilika. Tafadhali zikamilishe.",
                    "The twelve months of sales records are incomplete. Please complete them."))),
        ]);
}
