import Foundation
import HeraldCore
import Hummingbird

extension DirectMailSimulator {
    /// SingleSendMail's parameters as its docs require them (the tighter
    /// limit where sources disagree: a subject of at most 100 characters);
    /// nil when the send may go ahead, else DirectMail's error reply.
    static func refusal(of parameters: [String: String]) -> Response? {
        for name in ["AccountName", "AddressType", "ReplyToAddress", "ToAddress", "Subject"]
        where parameters[name]?.isEmpty ?? true {
            return error(400, "MissingParameter",
                         "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied.")
        }
        guard EmailAddress.isValid(parameters["AccountName"]!) else {
            return error(404, "InvalidMailAddress.NotFound", "The specified mailAddress does not exist.")
        }
        for (name, allowed) in [("AddressType", ["0", "1"]), ("ReplyToAddress", ["true", "false"])]
        where !allowed.contains(parameters[name]!) {
            return error(400, "InvalidParameter", "The specified parameter \"\(name)\" is not valid.")
        }
        let addresses = parameters["ToAddress"]!.split(separator: ",", omittingEmptySubsequences: false)
        guard addresses.count <= 100, addresses.allSatisfy({ EmailAddress.isValid(String($0)) }) else {
            return error(400, "InvalidToAddress", "The specified toAddress is wrongly formed.")
        }
        guard parameters["Subject"]!.count <= 100 else {
            return error(400, "InvalidSubject.Malformed", "The specified subject is wrongly formed.")
        }
        guard parameters["HtmlBody"]?.isEmpty == false || parameters["TextBody"]?.isEmpty == false else {
            return error(400, "InvalidBody", "The specified textBody or htmlBody is wrongly formed.")
        }
        if let alias = parameters["FromAlias"], alias.count >= 15 {
            return error(400, "InvalidFromAlias.Malformed", "The specified fromAlias is wrongly formed.")
        }
        if let headers = parameters["Headers"], let problem = headerProblem(headers) {
            return error(400, "InvalidParameter", problem)
        }
        return nil
    }

    /// What DirectMail says of a `Headers` parameter it refuses (its
    /// documented messages), or nil: a JSON object of at most 10 string
    /// values, named Message-ID, List-Unsubscribe, List-Unsubscribe-Post or
    /// `X-User-*`, in any case.
    static func headerProblem(_ headers: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(headers.utf8))) as? [String: Any],
              object.values.allSatisfy({ $0 is String })
        else { return "some user header has invalid grammar" }
        guard object.count <= 10 else { return "user header num exceeds the limit" }
        let standard: Set = ["message-id", "list-unsubscribe", "list-unsubscribe-post"]
        for name in object.keys.map({ $0.lowercased() }) where !standard.contains(name) && !name.hasPrefix("x-user-") {
            return "some user header has invalid name"
        }
        return nil
    }
}
