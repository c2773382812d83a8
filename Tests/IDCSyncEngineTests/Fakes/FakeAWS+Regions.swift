import Foundation
import HTTPKit
import IDCSyncCore

/// What FakeAWS+Regions.swift keeps: how RemoveRegion answers and how long a removal takes.
struct FakeAWSExtras {
    /// DescribeRegion answers that still see a REMOVING Region before it is gone (nil: it never goes).
    var removalDescribes: Int? = 2
    /// An AWS error (code, message) for the next RemoveRegion instead of starting the removal.
    var removeRegionFailure: (code: String, message: String)?
}

/// sso-admin RemoveRegion (REMOVING at once; ConflictException while another Region is changing;
/// ValidationException for the primary or a Region that is not enabled) and the removal itself: a
/// REMOVING Region is answered as REMOVING by `removalDescribes` DescribeRegion calls, then is gone
/// (ResourceNotFoundException), as AWS finishes a removal on its own.
extension FakeAWS {
    /// Called with the lock held, before the operations of FakeAWS.swift; nil: not one of these.
    func extendedOperation(service: String, operation: String, input: JSONValue, region: String) -> HTTPResponse? {
        switch (service, operation) {
        case ("sso-admin", "RemoveRegion"):
            return removeRegion(input)
        case ("sso-admin", "DescribeRegion"):
            return describeRemovingRegion(input)
        default:
            return nil
        }
    }

    /// Lets a removal take `describes` DescribeRegion answers (nil: it never finishes).
    func setRemovalDescribes(_ describes: Int?) { lock.withLock { extras.removalDescribes = describes } }

    func failNextRemoveRegion(code: String, message: String) { lock.withLock { extras.removeRegionFailure = (code, message) } }

    /// The Regions and their status, as ListRegions would answer now.
    var regionStatuses: [String: String] {
        lock.withLock { Dictionary(uniqueKeysWithValues: regionStates.map { ($0.name, $0.status) }) }
    }

    private func removeRegion(_ input: JSONValue) -> HTTPResponse {
        guard input["InstanceArn"]?.stringValue == Self.instanceArn else { return error(400, "ResourceNotFoundException", "Instance not found") }
        if let failure = extras.removeRegionFailure {
            extras.removeRegionFailure = nil
            return error(400, failure.code, failure.message)
        }
        let name = input["RegionName"]?.stringValue ?? ""
        guard name != primaryRegion else { return error(400, "ValidationException", "The primary Region cannot be removed") }
        guard regionStates.allSatisfy({ $0.status == "ACTIVE" }) else {
            return error(400, "ConflictException", "Another region operation is in progress for this instance")
        }
        guard let index = regionStates.firstIndex(where: { $0.name == name }) else {
            return error(400, "ValidationException", "The Region \(name) is not enabled for this instance")
        }
        regionStates[index].status = "REMOVING"
        return ok(["Status": "REMOVING"])
    }

    /// A REMOVING Region counts down its answers, then is gone; any other is left to FakeAWS.swift.
    private func describeRemovingRegion(_ input: JSONValue) -> HTTPResponse? {
        guard let index = regionStates.firstIndex(where: { $0.name == input["RegionName"]?.stringValue }),
              regionStates[index].status == "REMOVING", let left = extras.removalDescribes else { return nil }
        guard left > 0 else {
            regionStates.remove(at: index)
            return error(400, "ResourceNotFoundException", "Region not found")
        }
        extras.removalDescribes = left - 1
        return nil
    }
}
