@testable import AWSKit
import Foundation
import HTTPKit
import IDCSyncCore
import IDCSyncTestSupport
import Testing

// Request bodies below are botocore 1.43's own serialization of the same parameters
// (botocore.serialize ec2/query serializers, 2016-11-15 / 2010-05-08 models), in the order idcsync sends them.

let vpnEndpointId = "cvpn-endpoint-0123456789abcdef0"
let vpnCertificate = "arn:aws:acm:eu-west-1:111122223333:certificate/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"
let vpnSAMLProvider = "arn:aws:iam::111122223333:saml-provider/okta-clientvpn"

func ec2OK(_ body: String) -> ScriptedTransport.Answer {
    ScriptedTransport.reply(200, body, headers: [("Content-Type", "text/xml;charset=UTF-8")])
}

/// The parent of every suite in this file, so `--filter EC2IAMACMTests` selects them all.
@Suite("EC2, IAM and ACM calls")
struct EC2IAMACMTests {}

// MARK: - EC2

extension EC2IAMACMTests {
    @Suite("EC2: VPC, subnets, security groups")
    struct EC2Network {
        @Test func describeVpcsSendsVpcIdNAndReadsTheCidrAssociations() async throws {
            let script = ScriptedTransport(answers: [ec2OK("""
                <?xml version="1.0" encoding="UTF-8"?>
                <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
                    <vpcSet>
                        <item>
                            <vpcId>vpc-0a1b2c3d4e5f60718</vpcId>
                            <ownerId>111122223333</ownerId>
                            <state>available</state>
                            <cidrBlock>10.0.0.0/16</cidrBlock>
                            <cidrBlockAssociationSet>
                                <item>
                                    <cidrBlock>10.0.0.0/16</cidrBlock>
                                    <associationId>vpc-cidr-assoc-0aaaaaaaaaaaaaaaa</associationId>
                                    <cidrBlockState><state>associated</state></cidrBlockState>
                                </item>
                                <item>
                                    <cidrBlock>100.64.0.0/16</cidrBlock>
                                    <associationId>vpc-cidr-assoc-0bbbbbbbbbbbbbbbb</associationId>
                                    <cidrBlockState><state>associated</state></cidrBlockState>
                                </item>
                                <item>
                                    <cidrBlock>172.31.0.0/16</cidrBlock>
                                    <associationId>vpc-cidr-assoc-0cccccccccccccccc</associationId>
                                    <cidrBlockState><state>disassociated</state></cidrBlockState>
                                </item>
                            </cidrBlockAssociationSet>
                            <ipv6CidrBlockAssociationSet/>
                            <dhcpOptionsId>dopt-19edf471</dhcpOptionsId>
                            <tagSet><item><key>Name</key><value>main</value></item></tagSet>
                            <instanceTenancy>default</instanceTenancy>
                            <isDefault>false</isDefault>
                        </item>
                    </vpcSet>
                </DescribeVpcsResponse>
                """)])
            let client = makeAWSClient(script)
            let vpcs = try await client.describeVpcs(ids: ["vpc-0a1b2c3d4e5f60718"], region: "eu-west-1")
            #expect(script.bodies == ["Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0a1b2c3d4e5f60718"])
            let request = try #require(script.requests.first)
            #expect(request.url == "https://ec2.eu-west-1.amazonaws.com/")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
            #expect((request.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/eu-west-1/ec2/aws4_request, "))
            let vpc = try #require(vpcs.first)
            #expect(vpcs.count == 1)
            #expect(vpc.vpcId == "vpc-0a1b2c3d4e5f60718")
            #expect(vpc.cidrBlock == "10.0.0.0/16")
            #expect(vpc.state == .available)
            #expect(vpc.cidrBlockAssociations.map(\.cidrBlock) == ["10.0.0.0/16", "100.64.0.0/16", "172.31.0.0/16"])
            #expect(vpc.cidrBlockAssociations.map(\.associationId) == ["vpc-cidr-assoc-0aaaaaaaaaaaaaaaa", "vpc-cidr-assoc-0bbbbbbbbbbbbbbbb",
                                                                       "vpc-cidr-assoc-0cccccccccccccccc"])
            #expect(vpc.cidrBlocks == ["10.0.0.0/16", "100.64.0.0/16"], "a disassociated block is not in use")
            #expect(await client.requestCounts == [.describeVpcs: 1])
        }

        @Test func describeSubnetsSendsIdsAndFiltersAndFollowsNextToken() async throws {
            func subnet(_ id: String, _ cidr: String, _ zone: String, _ free: Int) -> String {
                """
                <item>
                    <subnetId>\(id)</subnetId>
                    <subnetArn>arn:aws:ec2:eu-west-1:111122223333:subnet/\(id)</subnetArn>
                    <state>available</state>
                    <ownerId>111122223333</ownerId>
                    <vpcId>vpc-0a1b2c3d4e5f60718</vpcId>
                    <cidrBlock>\(cidr)</cidrBlock>
                    <ipv6CidrBlockAssociationSet/>
                    <availableIpAddressCount>\(free)</availableIpAddressCount>
                    <availabilityZone>\(zone)</availabilityZone>
                    <availabilityZoneId>euw1-az1</availabilityZoneId>
                    <defaultForAz>false</defaultForAz>
                    <mapPublicIpOnLaunch>false</mapPublicIpOnLaunch>
                    <tagSet/>
                </item>
                """
            }
            let script = ScriptedTransport(answers: [
                ec2OK("""
                    <DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                        <requestId>r1</requestId>
                        <subnetSet>\(subnet("subnet-0aaa", "10.0.1.0/24", "eu-west-1a", 250))</subnetSet>
                        <nextToken>page2</nextToken>
                    </DescribeSubnetsResponse>
                    """),
                ec2OK("""
                    <DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                        <requestId>r2</requestId>
                        <subnetSet>\(subnet("subnet-0bbb", "10.0.2.0/27", "eu-west-1b", 19))</subnetSet>
                    </DescribeSubnetsResponse>
                    """),
            ])
            let subnets = try await makeAWSClient(script).describeSubnets(
                ids: ["subnet-0aaa", "subnet-0bbb"], filters: [EC2Filter("vpc-id", ["vpc-0a1b2c3d4e5f60718"])], region: "eu-west-1")
            #expect(script.bodies == [
                "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-0aaa&SubnetId.2=subnet-0bbb&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0a1b2c3d4e5f60718",
                "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-0aaa&SubnetId.2=subnet-0bbb&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0a1b2c3d4e5f60718&NextToken=page2",
            ])
            #expect(subnets == [
                EC2Subnet(subnetId: "subnet-0aaa", vpcId: "vpc-0a1b2c3d4e5f60718", cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1a",
                          availableIpAddressCount: 250),
                EC2Subnet(subnetId: "subnet-0bbb", vpcId: "vpc-0a1b2c3d4e5f60718", cidrBlock: "10.0.2.0/27", availabilityZone: "eu-west-1b",
                          availableIpAddressCount: 19),
            ])
        }

        @Test func describeSecurityGroupsByNameAndVpcAndById() async throws {
            let script = ScriptedTransport(answers: [ec2OK("""
                <DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>r</requestId>
                    <securityGroupInfo>
                        <item>
                            <ownerId>111122223333</ownerId>
                            <groupId>sg-01</groupId>
                            <groupName>idcsync-clientvpn</groupName>
                            <groupDescription>Client VPN (idcsync)</groupDescription>
                            <vpcId>vpc-1</vpcId>
                            <ipPermissions/>
                            <ipPermissionsEgress>
                                <item>
                                    <ipProtocol>-1</ipProtocol>
                                    <groups/>
                                    <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>
                                    <ipv6Ranges/>
                                    <prefixListIds/>
                                </item>
                            </ipPermissionsEgress>
                            <tagSet><item><key>managed-by</key><value>idcsync</value></item></tagSet>
                            <securityGroupArn>arn:aws:ec2:eu-west-1:111122223333:security-group/sg-01</securityGroupArn>
                        </item>
                    </securityGroupInfo>
                </DescribeSecurityGroupsResponse>
                """)])
            let groups = try await makeAWSClient(script).describeSecurityGroups(
                ids: ["sg-01"], filters: [EC2Filter("group-name", ["idcsync-clientvpn"]), EC2Filter("vpc-id", ["vpc-1", "vpc-2"])], region: "eu-west-1")
            #expect(script.bodies == ["Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-01&Filter.1.Name=group-name"
                + "&Filter.1.Value.1=idcsync-clientvpn&Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-1&Filter.2.Value.2=vpc-2"])
            #expect(groups == [EC2SecurityGroup(groupId: "sg-01", groupName: "idcsync-clientvpn", vpcId: "vpc-1", description: "Client VPN (idcsync)",
                                                tags: [AWSTag("managed-by", "idcsync")])])
        }

        @Test func noIdsAndNoFiltersSendNothingForTheLists() async throws {
            let script = ScriptedTransport(answers: [ec2OK("<DescribeSecurityGroupsResponse><requestId>r</requestId><securityGroupInfo/></DescribeSecurityGroupsResponse>")])
            let groups = try await makeAWSClient(script).describeSecurityGroups(region: "eu-west-1")
            #expect(groups.isEmpty)
            #expect(script.bodies == ["Action=DescribeSecurityGroups&Version=2016-11-15"], "EC2 omits empty lists (Query would send GroupId=)")
        }

        @Test func createSecurityGroupWithTagsOnCreate() async throws {
            let script = ScriptedTransport(answers: [ec2OK("""
                <CreateSecurityGroupResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                   <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
                   <return>true</return>
                   <groupId>sg-0123456789abcdef0</groupId>
                   <tagSet><item><key>managed-by</key><value>idcsync</value></item></tagSet>
                   <securityGroupArn>arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0</securityGroupArn>
                </CreateSecurityGroupResponse>
                """)])
            let id = try await makeAWSClient(script).createSecurityGroup(
                CreateSecurityGroupRequest(groupName: "idcsync-clientvpn", description: "Client VPN (idcsync)", vpcId: "vpc-0a1b2c3d4e5f60718",
                                           tags: [AWSTag("managed-by", "idcsync")]), region: "eu-west-1")
            #expect(id == "sg-0123456789abcdef0")
            #expect(script.bodies == ["Action=CreateSecurityGroup&Version=2016-11-15&GroupName=idcsync-clientvpn&GroupDescription=Client%20VPN%20%28idcsync%29"
                + "&VpcId=vpc-0a1b2c3d4e5f60718&TagSpecification.1.ResourceType=security-group&TagSpecification.1.Tag.1.Key=managed-by"
                + "&TagSpecification.1.Tag.1.Value=idcsync"])
        }

        @Test func aCreateAnswerWithoutTheIdIsAnInvalidResponse() async {
            let script = ScriptedTransport(answers: [ec2OK("<CreateSecurityGroupResponse><requestId>r</requestId><return>true</return></CreateSecurityGroupResponse>")])
            let error = await clientFailure {
                try await makeAWSClient(script).createSecurityGroup(.init(groupName: "g", description: "d", vpcId: "vpc-1"), region: "eu-west-1")
            }
            #expect(error == .invalidResponse("CreateSecurityGroup returned no groupId", operation: "ec2:CreateSecurityGroup"))
        }
    }

    @Suite("EC2: Client VPN endpoint")
    struct EC2ClientVPN {
        static let createRequest = CreateClientVpnEndpointRequest(
            clientCidrBlock: "10.100.0.0/22", serverCertificateArn: vpnCertificate, samlProviderArn: vpnSAMLProvider,
            selfServiceSamlProviderArn: "arn:aws:iam::111122223333:saml-provider/okta-clientvpn-portal",
            connectionLog: ClientVpnConnectionLog(enabled: true, cloudwatchLogGroup: "/idcsync/clientvpn"),
            dnsServers: ["10.0.0.2", "10.0.0.3"], splitTunnel: true, vpcId: "vpc-0a1b2c3d4e5f60718", securityGroupIds: ["sg-0123456789abcdef0"],
            selfServicePortal: true, sessionTimeoutHours: 12, transportProtocol: "udp", vpnPort: 443,
            tags: [AWSTag("Name", "okta-vpn"), AWSTag("managed-by", "idcsync")], clientToken: "tok-1", description: "Okta VPN")

        @Test func createClientVpnEndpointSendsFederatedAuthenticationAndEveryField() async throws {
            let script = ScriptedTransport(answers: [ec2OK("""
                <CreateClientVpnEndpointResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>f1e2d3c4-b5a6-9788-6f5e-4d3c2b1aEXAMPLE</requestId>
                    <clientVpnEndpointId>cvpn-endpoint-0123456789abcdef0</clientVpnEndpointId>
                    <status><code>pending-associate</code></status>
                    <dnsName>*.cvpn-endpoint-0123456789abcdef0.prod.clientvpn.eu-west-1.amazonaws.com</dnsName>
                </CreateClientVpnEndpointResponse>
                """)])
            let client = makeAWSClient(script)
            let result = try await client.createClientVpnEndpoint(Self.createRequest, region: "eu-west-1")
            #expect(result == CreateClientVpnEndpointResult(
                clientVpnEndpointId: vpnEndpointId, statusCode: .pendingAssociate,
                dnsName: "*.cvpn-endpoint-0123456789abcdef0.prod.clientvpn.eu-west-1.amazonaws.com"))
            #expect(script.bodies == [
                "Action=CreateClientVpnEndpoint&Version=2016-11-15&ClientCidrBlock=10.100.0.0%2F22"
                    + "&ServerCertificateArn=arn%3Aaws%3Aacm%3Aeu-west-1%3A111122223333%3Acertificate%2F0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"
                    + "&Authentication.1.Type=federated-authentication"
                    + "&Authentication.1.FederatedAuthentication.SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Asaml-provider%2Fokta-clientvpn"
                    + "&Authentication.1.FederatedAuthentication.SelfServiceSAMLProviderArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Asaml-provider%2Fokta-clientvpn-portal"
                    + "&ConnectionLogOptions.Enabled=true&ConnectionLogOptions.CloudwatchLogGroup=%2Fidcsync%2Fclientvpn"
                    + "&DnsServers.1=10.0.0.2&DnsServers.2=10.0.0.3&TransportProtocol=udp&VpnPort=443&Description=Okta%20VPN&SplitTunnel=true"
                    + "&ClientToken=tok-1&TagSpecification.1.ResourceType=client-vpn-endpoint&TagSpecification.1.Tag.1.Key=Name"
                    + "&TagSpecification.1.Tag.1.Value=okta-vpn&TagSpecification.1.Tag.2.Key=managed-by&TagSpecification.1.Tag.2.Value=idcsync"
                    + "&SecurityGroupId.1=sg-0123456789abcdef0&VpcId=vpc-0a1b2c3d4e5f60718&SelfServicePortal=enabled&SessionTimeoutHours=12",
            ])
            #expect(await client.requestCounts == [.createClientVpnEndpoint: 1])
        }

        @Test func theMinimalCreateSendsLoggingOffPortalDisabledAndAGeneratedTokenKeptAcrossRetries() async throws {
            let script = ScriptedTransport(answers: [
                ScriptedTransport.reply(503, "<Response><Errors><Error><Code>Unavailable</Code><Message>try again</Message></Error></Errors><RequestID>r0</RequestID></Response>"),
                ec2OK("<CreateClientVpnEndpointResponse><clientVpnEndpointId>cvpn-endpoint-1</clientVpnEndpointId><status><code>pending-associate</code></status></CreateClientVpnEndpointResponse>"),
            ])
            let result = try await makeAWSClient(script).createClientVpnEndpoint(
                CreateClientVpnEndpointRequest(clientCidrBlock: "10.100.0.0/22", serverCertificateArn: "arn:c", samlProviderArn: "arn:p",
                                               splitTunnel: false, selfServicePortal: false), region: "eu-west-1")
            #expect(result.clientVpnEndpointId == "cvpn-endpoint-1")
            #expect(result.dnsName == nil)
            let bodies = script.bodies
            #expect(bodies.count == 2)
            #expect(bodies[0] == bodies[1], "a retry resends the same ClientToken")
            let body = try #require(bodies.first)
            let token = try #require(body.split(separator: "&").first { $0.hasPrefix("ClientToken=") }).dropFirst("ClientToken=".count)
            #expect(UUID(uuidString: String(token)) != nil)
            #expect(body == "Action=CreateClientVpnEndpoint&Version=2016-11-15&ClientCidrBlock=10.100.0.0%2F22&ServerCertificateArn=arn%3Ac"
                + "&Authentication.1.Type=federated-authentication&Authentication.1.FederatedAuthentication.SAMLProviderArn=arn%3Ap"
                + "&ConnectionLogOptions.Enabled=false&SplitTunnel=false&ClientToken=\(token)&SelfServicePortal=disabled")
        }

        static let describeXML = """
            <DescribeClientVpnEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                <requestId>4f8a2e0c-EXAMPLE</requestId>
                <clientVpnEndpoint>
                    <item>
                        <clientVpnEndpointId>cvpn-endpoint-0123456789abcdef0</clientVpnEndpointId>
                        <description>Okta VPN</description>
                        <status><code>available</code></status>
                        <creationTime>2026-11-20 09:12:44</creationTime>
                        <dnsName>*.cvpn-endpoint-0123456789abcdef0.prod.clientvpn.eu-west-1.amazonaws.com</dnsName>
                        <clientCidrBlock>10.100.0.0/22</clientCidrBlock>
                        <dnsServer><item>10.0.0.2</item><item>10.0.0.3</item></dnsServer>
                        <splitTunnel>true</splitTunnel>
                        <vpnProtocol>openvpn</vpnProtocol>
                        <transportProtocol>udp</transportProtocol>
                        <vpnPort>443</vpnPort>
                        <associatedTargetNetwork><item><networkId>vpc-0a1b2c3d4e5f60718</networkId><networkType>vpc</networkType></item></associatedTargetNetwork>
                        <serverCertificateArn>arn:aws:acm:eu-west-1:111122223333:certificate/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6</serverCertificateArn>
                        <authenticationOptions>
                            <item>
                                <type>federated-authentication</type>
                                <federatedAuthentication>
                                    <samlProviderArn>arn:aws:iam::111122223333:saml-provider/okta-clientvpn</samlProviderArn>
                                    <selfServiceSamlProviderArn>arn:aws:iam::111122223333:saml-provider/okta-clientvpn-portal</selfServiceSamlProviderArn>
                                </federatedAuthentication>
                            </item>
                        </authenticationOptions>
                        <connectionLogOptions><Enabled>false</Enabled></connectionLogOptions>
                        <tagSet><item><key>Name</key><value>okta-vpn</value></item><item><key>managed-by</key><value>idcsync</value></item></tagSet>
                        <securityGroupIdSet><item>sg-0123456789abcdef0</item></securityGroupIdSet>
                        <vpcId>vpc-0a1b2c3d4e5f60718</vpcId>
                        <selfServicePortalUrl>https://self-service.clientvpn.amazonaws.com/endpoints/cvpn-endpoint-0123456789abcdef0</selfServicePortalUrl>
                        <clientConnectOptions><enabled>false</enabled><status><code>applied</code></status></clientConnectOptions>
                        <sessionTimeoutHours>12</sessionTimeoutHours>
                        <clientLoginBannerOptions><enabled>false</enabled></clientLoginBannerOptions>
                        <disconnectOnSessionTimeout>true</disconnectOnSessionTimeout>
                    </item>
                    <item>
                        <clientVpnEndpointId>cvpn-endpoint-0fedcba9876543210</clientVpnEndpointId>
                        <status><code>pending-associate</code></status>
                        <clientCidrBlock>172.16.0.0/22</clientCidrBlock>
                        <dnsServer/>
                        <splitTunnel>false</splitTunnel>
                        <transportProtocol>tcp</transportProtocol>
                        <vpnPort>1194</vpnPort>
                        <serverCertificateArn>arn:aws:acm:eu-west-1:111122223333:certificate/other</serverCertificateArn>
                        <authenticationOptions><item><type>certificate-authentication</type><mutualAuthentication><clientRootCertificateChain>arn:x</clientRootCertificateChain></mutualAuthentication></item></authenticationOptions>
                        <connectionLogOptions><Enabled>true</Enabled><CloudwatchLogGroup>/vpn</CloudwatchLogGroup></connectionLogOptions>
                        <tagSet/>
                        <securityGroupIdSet/>
                    </item>
                </clientVpnEndpoint>
            </DescribeClientVpnEndpointsResponse>
            """

        @Test func describeClientVpnEndpointsReadsEveryFieldIdcsyncCompares() async throws {
            let script = ScriptedTransport(answers: [ec2OK(Self.describeXML)])
            let endpoints = try await makeAWSClient(script).describeClientVpnEndpoints(
                ids: [vpnEndpointId], filters: [EC2Filter("tag:managed-by", ["idcsync"])], region: "eu-west-1")
            #expect(script.bodies == ["Action=DescribeClientVpnEndpoints&Version=2016-11-15&ClientVpnEndpointId.1=cvpn-endpoint-0123456789abcdef0"
                + "&Filter.1.Name=tag%3Amanaged-by&Filter.1.Value.1=idcsync"])
            #expect(endpoints.count == 2)
            #expect(endpoints.first == ClientVpnEndpoint(
                clientVpnEndpointId: vpnEndpointId, description: "Okta VPN", statusCode: .available, clientCidrBlock: "10.100.0.0/22",
                transportProtocol: "udp", vpnPort: 443, splitTunnel: true, dnsServers: ["10.0.0.2", "10.0.0.3"], sessionTimeoutHours: 12,
                selfServicePortalUrl: "https://self-service.clientvpn.amazonaws.com/endpoints/cvpn-endpoint-0123456789abcdef0",
                securityGroupIds: ["sg-0123456789abcdef0"], vpcId: "vpc-0a1b2c3d4e5f60718",
                authenticationOptions: [.init(type: "federated-authentication", samlProviderArn: vpnSAMLProvider,
                                              selfServiceSamlProviderArn: "arn:aws:iam::111122223333:saml-provider/okta-clientvpn-portal")],
                serverCertificateArn: vpnCertificate, connectionLogEnabled: false,
                tags: [AWSTag("Name", "okta-vpn"), AWSTag("managed-by", "idcsync")],
                dnsName: "*.cvpn-endpoint-0123456789abcdef0.prod.clientvpn.eu-west-1.amazonaws.com"))
            #expect(endpoints.last == ClientVpnEndpoint(
                clientVpnEndpointId: "cvpn-endpoint-0fedcba9876543210", description: nil, statusCode: .pendingAssociate,
                clientCidrBlock: "172.16.0.0/22", transportProtocol: "tcp", vpnPort: 1194, splitTunnel: false, dnsServers: [],
                sessionTimeoutHours: nil, selfServicePortalUrl: nil, securityGroupIds: [], vpcId: nil,
                authenticationOptions: [.init(type: "certificate-authentication", samlProviderArn: nil, selfServiceSamlProviderArn: nil)],
                serverCertificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/other", connectionLogEnabled: true, tags: [], dnsName: nil))
        }

        @Test func modifyClientVpnEndpointSendsOnlyTheGivenFields() async throws {
            let ok = "<ModifyClientVpnEndpointResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><return>true</return></ModifyClientVpnEndpointResponse>"
            let script = ScriptedTransport(answers: [ec2OK(ok), ec2OK(ok), ec2OK(ok)])
            let client = makeAWSClient(script)
            try await client.modifyClientVpnEndpoint(
                ModifyClientVpnEndpointRequest(clientVpnEndpointId: vpnEndpointId, serverCertificateArn: "arn:cert2", dnsServers: ["10.0.0.2"],
                                               splitTunnel: false, securityGroupIds: ["sg-1", "sg-2"], vpcId: "vpc-1", selfServicePortal: false,
                                               sessionTimeoutHours: 24, vpnPort: 1194, description: "d", connectionLog: .disabled),
                region: "eu-west-1")
            try await client.modifyClientVpnEndpoint(ModifyClientVpnEndpointRequest(clientVpnEndpointId: vpnEndpointId, dnsServers: []), region: "eu-west-1")
            try await client.modifyClientVpnEndpoint(ModifyClientVpnEndpointRequest(clientVpnEndpointId: vpnEndpointId, selfServicePortal: true), region: "eu-west-1")
            #expect(script.bodies == [
                "Action=ModifyClientVpnEndpoint&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0&ServerCertificateArn=arn%3Acert2"
                    + "&ConnectionLogOptions.Enabled=false&DnsServers.CustomDnsServers.1=10.0.0.2&DnsServers.Enabled=true&VpnPort=1194&Description=d"
                    + "&SplitTunnel=false&SecurityGroupId.1=sg-1&SecurityGroupId.2=sg-2&VpcId=vpc-1&SelfServicePortal=disabled&SessionTimeoutHours=24",
                "Action=ModifyClientVpnEndpoint&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0&DnsServers.Enabled=false",
                "Action=ModifyClientVpnEndpoint&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0&SelfServicePortal=enabled",
            ])
        }

        @Test func aModifyAnsweredWithReturnFalseFails() async {
            let script = ScriptedTransport(answers: [ec2OK("<ModifyClientVpnEndpointResponse><requestId>r</requestId><return>false</return></ModifyClientVpnEndpointResponse>")])
            let error = await clientFailure {
                try await makeAWSClient(script).modifyClientVpnEndpoint(.init(clientVpnEndpointId: vpnEndpointId, splitTunnel: true), region: "eu-west-1")
            }
            #expect(error == .invalidResponse("ModifyClientVpnEndpoint returned false", operation: "ec2:ModifyClientVpnEndpoint"))
        }
    }

    @Suite("EC2: target networks, authorization rules, client configuration")
    struct EC2ClientVPNAttachments {
        @Test func associateClientVpnTargetNetwork() async throws {
            let script = ScriptedTransport(answers: [ec2OK("""
                <AssociateClientVpnTargetNetworkResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>r</requestId>
                    <associationId>cvpn-assoc-0123456789abcdef0</associationId>
                    <status><code>associating</code></status>
                </AssociateClientVpnTargetNetworkResponse>
                """)])
            let association = try await makeAWSClient(script).associateClientVpnTargetNetwork(
                endpointId: vpnEndpointId, subnetId: "subnet-0aaa", clientToken: "tok-2", region: "eu-west-1")
            #expect(association == ClientVpnTargetNetworkAssociation(associationId: "cvpn-assoc-0123456789abcdef0", statusCode: .associating))
            #expect(script.bodies == ["Action=AssociateClientVpnTargetNetwork&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0"
                + "&SubnetId=subnet-0aaa&ClientToken=tok-2"])
        }

        @Test func describeClientVpnTargetNetworksFollowsNextToken() async throws {
            func network(_ association: String, _ subnet: String, _ status: String) -> String {
                """
                <item>
                    <associationId>\(association)</associationId>
                    <vpcId>vpc-0a1b2c3d4e5f60718</vpcId>
                    <targetNetworkId>\(subnet)</targetNetworkId>
                    <clientVpnEndpointId>cvpn-endpoint-0123456789abcdef0</clientVpnEndpointId>
                    <status><code>\(status)</code></status>
                    <securityGroups><item>sg-0123456789abcdef0</item></securityGroups>
                </item>
                """
            }
            let script = ScriptedTransport(answers: [
                ec2OK("<DescribeClientVpnTargetNetworksResponse><requestId>r</requestId><clientVpnTargetNetworks>\(network("cvpn-assoc-1", "subnet-0aaa", "associated"))</clientVpnTargetNetworks><nextToken>t2</nextToken></DescribeClientVpnTargetNetworksResponse>"),
                ec2OK("<DescribeClientVpnTargetNetworksResponse><requestId>r</requestId><clientVpnTargetNetworks>\(network("cvpn-assoc-2", "subnet-0bbb", "associating"))</clientVpnTargetNetworks><nextToken></nextToken></DescribeClientVpnTargetNetworksResponse>"),
            ])
            let networks = try await makeAWSClient(script).describeClientVpnTargetNetworks(endpointId: vpnEndpointId, region: "eu-west-1")
            #expect(networks == [
                ClientVpnTargetNetwork(associationId: "cvpn-assoc-1", targetNetworkId: "subnet-0aaa", vpcId: "vpc-0a1b2c3d4e5f60718", statusCode: .associated),
                ClientVpnTargetNetwork(associationId: "cvpn-assoc-2", targetNetworkId: "subnet-0bbb", vpcId: "vpc-0a1b2c3d4e5f60718", statusCode: .associating),
            ])
            #expect(script.bodies == [
                "Action=DescribeClientVpnTargetNetworks&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0",
                "Action=DescribeClientVpnTargetNetworks&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0&NextToken=t2",
            ])
        }

        @Test func authorizeClientVpnIngressForAGroupOrForEveryone() async throws {
            let ok = "<AuthorizeClientVpnIngressResponse><requestId>r</requestId><status><code>authorizing</code></status></AuthorizeClientVpnIngressResponse>"
            let script = ScriptedTransport(answers: [ec2OK(ok), ec2OK(ok)])
            let client = makeAWSClient(script)
            let status = try await client.authorizeClientVpnIngress(
                AuthorizeClientVpnIngressRequest(clientVpnEndpointId: vpnEndpointId, targetNetworkCidr: "10.0.0.0/16", accessGroupId: "00g1engineers",
                                                 description: "engineers", clientToken: "tok-3"), region: "eu-west-1")
            #expect(status == .authorizing)
            try await client.authorizeClientVpnIngress(
                AuthorizeClientVpnIngressRequest(clientVpnEndpointId: vpnEndpointId, targetNetworkCidr: "0.0.0.0/0", accessGroupId: nil, clientToken: "tok-4"),
                region: "eu-west-1")
            #expect(script.bodies == [
                "Action=AuthorizeClientVpnIngress&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0&TargetNetworkCidr=10.0.0.0%2F16"
                    + "&AccessGroupId=00g1engineers&Description=engineers&ClientToken=tok-3",
                "Action=AuthorizeClientVpnIngress&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0&TargetNetworkCidr=0.0.0.0%2F0"
                    + "&AuthorizeAllGroups=true&ClientToken=tok-4",
            ])
        }

        @Test func describeClientVpnAuthorizationRules() async throws {
            let script = ScriptedTransport(answers: [ec2OK("""
                <DescribeClientVpnAuthorizationRulesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>r</requestId>
                    <authorizationRule>
                        <item>
                            <clientVpnEndpointId>cvpn-endpoint-0123456789abcdef0</clientVpnEndpointId>
                            <description>engineers</description>
                            <groupId>00g1engineers</groupId>
                            <accessAll>false</accessAll>
                            <destinationCidr>10.0.0.0/16</destinationCidr>
                            <status><code>active</code></status>
                        </item>
                        <item>
                            <clientVpnEndpointId>cvpn-endpoint-0123456789abcdef0</clientVpnEndpointId>
                            <groupId></groupId>
                            <accessAll>true</accessAll>
                            <destinationCidr>0.0.0.0/0</destinationCidr>
                            <status><code>authorizing</code></status>
                        </item>
                    </authorizationRule>
                </DescribeClientVpnAuthorizationRulesResponse>
                """)])
            let rules = try await makeAWSClient(script).describeClientVpnAuthorizationRules(endpointId: vpnEndpointId, region: "eu-west-1")
            #expect(rules == [
                ClientVpnAuthorizationRule(destinationCidr: "10.0.0.0/16", groupId: "00g1engineers", accessAll: false, description: "engineers", statusCode: .active),
                ClientVpnAuthorizationRule(destinationCidr: "0.0.0.0/0", groupId: nil, accessAll: true, description: nil, statusCode: .authorizing),
            ])
            #expect(script.bodies == ["Action=DescribeClientVpnAuthorizationRules&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0"])
        }

        @Test func exportClientVpnClientConfigurationKeepsTheTextExactly() async throws {
            let ovpn = "client\ndev tun\nproto udp\nremote cvpn-endpoint-0123456789abcdef0.prod.clientvpn.eu-west-1.amazonaws.com 443\n"
                + "remote-random-hostname\nresolv-retry infinite\nnobind\nremote-cert-tls server\ncipher AES-256-GCM\nverb 3\n"
                + "<ca>\n-----BEGIN CERTIFICATE-----\nMIIDQTCCAimgAwIBAgITBmyfz5m/jAo54vB4ikPmljZbyjANBgkqhkiG9w0BAQsF\n-----END CERTIFICATE-----\n</ca>\n"
                + "auth-federate\nauth-retry interact\nauth-nocache\nreneg-sec 0\n"
            let escaped = ovpn.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            let script = ScriptedTransport(answers: [ec2OK("""
                <ExportClientVpnClientConfigurationResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                    <requestId>r</requestId>
                    <clientConfiguration>\(escaped)</clientConfiguration>
                </ExportClientVpnClientConfigurationResponse>
                """)])
            let text = try await makeAWSClient(script).exportClientVpnClientConfiguration(endpointId: vpnEndpointId, region: "eu-west-1")
            #expect(text == ovpn)
            #expect(script.bodies == ["Action=ExportClientVpnClientConfiguration&Version=2016-11-15&ClientVpnEndpointId=cvpn-endpoint-0123456789abcdef0"])
        }
    }

    @Suite("EC2: errors")
    struct EC2Errors {
        @Test func anEC2ErrorDocumentGivesCodeMessageAndRequestID() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(400, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><Errors><Error><Code>InvalidClientVpnEndpointId.NotFound</Code><Message>Endpoint cvpn-endpoint-0123456789abcdef0 does not exist</Message></Error></Errors><RequestID>3f1a6c1e-1d9b-4c35-9b4a-7a0a5EXAMPLE</RequestID></Response>
                """, headers: [("Content-Type", "text/xml;charset=UTF-8")])])
            let error = await clientFailure {
                try await makeAWSClient(script).describeClientVpnEndpoints(ids: [vpnEndpointId], region: "eu-west-1")
            }
            #expect(error == .service(status: 400, code: "InvalidClientVpnEndpointId.NotFound",
                                      message: "Endpoint cvpn-endpoint-0123456789abcdef0 does not exist", operation: "ec2:DescribeClientVpnEndpoints",
                                      region: "eu-west-1", requestId: "3f1a6c1e-1d9b-4c35-9b4a-7a0a5EXAMPLE"))
            #expect(script.requests.count == 1, "a client error is not retried")
        }

        @Test func requestLimitExceededIsRetriedWithBackoff() async throws {
            let throttled = ScriptedTransport.reply(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>")
            let script = ScriptedTransport(answers: [throttled, ec2OK("<DescribeVpcsResponse><requestId>r2</requestId><vpcSet/></DescribeVpcsResponse>")])
            let clock = FakeClock()
            let vpcs = try await makeAWSClient(script, clock: clock).describeVpcs(ids: ["vpc-1"], region: "eu-west-1")
            #expect(vpcs.isEmpty)
            #expect(clock.slept == [.milliseconds(100)])
            #expect(script.requests.count == 2)
        }

        @Test func unauthorizedOperationIsAnAccessError() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(403, "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/idcsync/ci is not authorized to perform: ec2:CreateClientVpnEndpoint</Message></Error></Errors><RequestID>r9</RequestID></Response>")])
            let error = await clientFailure {
                try await makeAWSClient(script).createClientVpnEndpoint(EC2ClientVPN.createRequest, region: "eu-west-1")
            }
            #expect(error?.code == "UnauthorizedOperation")
            #expect(error?.description.contains("(request id r9)") == true)
        }

        @Test func parametersFlattenedForQueryAreRefusedByEC2() async {
            let error = await clientFailure {
                try await makeAWSClient(ScriptedTransport(answers: [])).query(.describeVpcs, service: .ec2, region: "eu-west-1", parameters: QueryParameters(.query))
            }
            #expect(error == .configuration("ec2:DescribeVpcs: parameters flattened for query, but ec2 speaks ec2(version: \"2016-11-15\")"))
        }

        @Test func theSameListFlattensPerProtocolAsBotocoreDoes() {
            var query = QueryParameters(for: .iam)
            query.list("Names", ["a", "b"])
            query.list("Empty", [])
            query.tags("Tags", [AWSTag("k", "v")])
            #expect(query.pairs.map { "\($0.0)=\($0.1)" } == ["Names.member.1=a", "Names.member.2=b", "Empty=", "Tags.member.1.Key=k", "Tags.member.1.Value=v"])
            var ec2 = QueryParameters(for: .ec2)
            ec2.list("Names", ["a", "b"])
            ec2.list("Empty", [])
            ec2.tags("Tag", [AWSTag("k", "v")])
            #expect(ec2.pairs.map { "\($0.0)=\($0.1)" } == ["Names.1=a", "Names.2=b", "Tag.1.Key=k", "Tag.1.Value=v"])
        }

        @Test func theXMLTreeKeepsNestingCDATAAndWhiteSpace() throws {
            let node = try #require(XMLResponse(Array("""
                <?xml version="1.0"?><!DOCTYPE x><a:R xmlns:a="u"><!-- c --><s><item><v>1 &amp; 2</v></item><item><v><![CDATA[<raw> &amp;]]></v></item></s><e/><t attr="x>y">  keep  </t></a:R>
                """.utf8)).document)
            #expect(node.name == "R")
            #expect(node.list("s").map { $0.string("v") } == ["1 & 2", "<raw> &amp;"])
            #expect(node.child("e") == XMLNode(name: "e"))
            #expect(node.string("t") == "  keep  ")
            #expect(node.list("missing").isEmpty)
            #expect(XMLResponse(Array("no xml".utf8)).document == nil)
        }
    }
}

// MARK: - IAM

extension EC2IAMACMTests {
    @Suite("IAM: SAML providers")
    struct IAMSAMLProviders {
        /// Long enough to be a plausible document; its characters need percent-encoding.
        static let metadata = #"<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk1a2b3c4"><md:IDPSSODescriptor/></md:EntityDescriptor>"#

        @Test(arguments: [
            ("eu-west-1", "https://iam.amazonaws.com/", "us-east-1"),
            ("us-east-1", "https://iam.amazonaws.com/", "us-east-1"),
            ("us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"),
            ("cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
        ])
        func iamGoesToThePartitionsGlobalEndpointSignedForItsRegion(region: String, url: String, signingRegion: String) async throws {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, """
                <ListSAMLProvidersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <ListSAMLProvidersResult><SAMLProviderList/></ListSAMLProvidersResult>
                  <ResponseMetadata><RequestId>fd74fa8d-99f3-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
                </ListSAMLProvidersResponse>
                """)])
            let providers = try await makeAWSClient(script).listSAMLProviders(region: region)
            #expect(providers.isEmpty)
            let request = try #require(script.requests.first)
            #expect(request.url == url)
            #expect((request.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/\(signingRegion)/iam/aws4_request, "))
            #expect(AWSEndpoint.signingRegion(for: .iam, region: region) == signingRegion)
            #expect(script.bodies == ["Action=ListSAMLProviders&Version=2010-05-08"])
        }

        @Test func anEndpointOverrideWinsOverTheGlobalHost() async throws {
            let url = try AWSEndpoint.url(for: .iam, region: "eu-west-1", environment: ["AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:5000/"])
            #expect(url == "http://127.0.0.1:5000")
        }

        @Test func listSAMLProvidersReadsArnsAndDates() async throws {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, """
                <ListSAMLProvidersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <ListSAMLProvidersResult>
                    <SAMLProviderList>
                      <member>
                        <Arn>arn:aws:iam::111122223333:saml-provider/okta-clientvpn</Arn>
                        <ValidUntil>2126-11-21T10:00:00Z</ValidUntil>
                        <CreateDate>2026-11-21T10:00:00Z</CreateDate>
                      </member>
                      <member>
                        <Arn>arn:aws:iam::111122223333:saml-provider/other</Arn>
                        <CreateDate>2024-01-02T03:04:05.678Z</CreateDate>
                      </member>
                    </SAMLProviderList>
                  </ListSAMLProvidersResult>
                  <ResponseMetadata><RequestId>fd74fa8d-99f3-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
                </ListSAMLProvidersResponse>
                """)])
            let providers = try await makeAWSClient(script).listSAMLProviders(region: "eu-west-1")
            #expect(providers.map(\.arn) == [vpnSAMLProvider, "arn:aws:iam::111122223333:saml-provider/other"])
            #expect(providers.first?.createDate == clientNow)
            #expect(providers.first?.validUntil.map { Int($0) } == 4_950_928_800, "2126-11-21T10:00:00Z")
            #expect(providers.last?.validUntil == nil)
            #expect(providers.last?.createDate.map { Int($0) } == 1_704_164_645)
        }

        @Test func getSAMLProviderReadsTheMetadataDocument() async throws {
            let escaped = Self.metadata.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, """
                <GetSAMLProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <GetSAMLProviderResult>
                    <SAMLProviderUUID>a1b2c3d4-5678-90ab-cdef-EXAMPLE11111</SAMLProviderUUID>
                    <CreateDate>2026-11-21T10:00:00Z</CreateDate>
                    <ValidUntil>2026-11-22T10:00:00Z</ValidUntil>
                    <SAMLMetadataDocument>\(escaped)</SAMLMetadataDocument>
                    <Tags><member><Key>managed-by</Key><Value>idcsync</Value></member></Tags>
                  </GetSAMLProviderResult>
                  <ResponseMetadata><RequestId>29f47818-99f5-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
                </GetSAMLProviderResponse>
                """)])
            let provider = try await makeAWSClient(script).getSAMLProvider(arn: vpnSAMLProvider, region: "eu-west-1")
            #expect(provider == IAMSAMLProvider(metadataDocument: Self.metadata, validUntil: clientNow + 86_400, createDate: clientNow))
            #expect(script.bodies == ["Action=GetSAMLProvider&Version=2010-05-08&SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Asaml-provider%2Fokta-clientvpn"])
        }

        @Test func createSAMLProviderSendsNameMetadataAndTagsAsMembers() async throws {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, """
                <CreateSAMLProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <CreateSAMLProviderResult>
                    <SAMLProviderArn>arn:aws:iam::111122223333:saml-provider/okta-clientvpn</SAMLProviderArn>
                    <Tags><member><Key>managed-by</Key><Value>idcsync</Value></member></Tags>
                  </CreateSAMLProviderResult>
                  <ResponseMetadata><RequestId>29f47818-99f5-11e1-a4c3-27EXAMPLE804</RequestId></ResponseMetadata>
                </CreateSAMLProviderResponse>
                """)])
            let client = makeAWSClient(script)
            let arn = try await client.createSAMLProvider(name: "okta-clientvpn", metadataDocument: #"<md:EntityDescriptor a="1"/>"#,
                                                          tags: [AWSTag("managed-by", "idcsync")], region: "eu-west-1")
            #expect(arn == vpnSAMLProvider)
            #expect(script.bodies == ["Action=CreateSAMLProvider&Version=2010-05-08&SAMLMetadataDocument=%3Cmd%3AEntityDescriptor%20a%3D%221%22%2F%3E"
                + "&Name=okta-clientvpn&Tags.member.1.Key=managed-by&Tags.member.1.Value=idcsync"])
            #expect(await client.requestCounts == [.createSAMLProvider: 1])
        }

        @Test func updateSAMLProviderReplacesTheDocument() async throws {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(200, """
                <UpdateSAMLProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <UpdateSAMLProviderResult><SAMLProviderArn>arn:aws:iam::111122223333:saml-provider/okta-clientvpn</SAMLProviderArn></UpdateSAMLProviderResult>
                  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
                </UpdateSAMLProviderResponse>
                """)])
            let arn = try await makeAWSClient(script).updateSAMLProvider(arn: vpnSAMLProvider, metadataDocument: "<x/>", region: "eu-west-1")
            #expect(arn == vpnSAMLProvider)
            #expect(script.bodies == ["Action=UpdateSAMLProvider&Version=2010-05-08&SAMLMetadataDocument=%3Cx%2F%3E"
                + "&SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Asaml-provider%2Fokta-clientvpn"])
        }

        @Test func anIAMErrorDocumentGivesCodeMessageAndRequestId() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(404, """
                <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Manifest not found for arn arn:aws:iam::111122223333:saml-provider/okta-clientvpn</Message></Error>
                  <RequestId>a1b2c3d4-EXAMPLE</RequestId>
                </ErrorResponse>
                """)])
            let error = await clientFailure { try await makeAWSClient(script).getSAMLProvider(arn: vpnSAMLProvider, region: "eu-west-1") }
            #expect(error == .service(status: 404, code: "NoSuchEntity",
                                      message: "Manifest not found for arn arn:aws:iam::111122223333:saml-provider/okta-clientvpn",
                                      operation: "iam:GetSAMLProvider", region: "eu-west-1", requestId: "a1b2c3d4-EXAMPLE"))
        }
    }
}

// MARK: - ACM

extension EC2IAMACMTests {
    @Suite("ACM: server certificate")
    struct ACMCertificates {
        @Test func describeCertificateReadsStatusKeyAndExpiry() async throws {
            let script = ScriptedTransport(answers: [clientOK("""
                {"Certificate":{"CertificateArn":"\(vpnCertificate)","DomainName":"vpn.example.com",
                 "SubjectAlternativeNames":["vpn.example.com"],"DomainValidationOptions":[{"DomainName":"vpn.example.com","ValidationStatus":"SUCCESS"}],
                 "Serial":"0a:0b","Subject":"CN=vpn.example.com","Issuer":"Amazon","CreatedAt":1795168800.0,"IssuedAt":1795168860.123,
                 "Status":"ISSUED","NotBefore":1795168800,"NotAfter":1.8267264E9,"KeyAlgorithm":"RSA-2048","SignatureAlgorithm":"SHA256WITHRSA",
                 "InUseBy":["arn:aws:ec2:eu-west-1:111122223333:client-vpn-endpoint/cvpn-endpoint-0123456789abcdef0"],"Type":"AMAZON_ISSUED",
                 "KeyUsages":[{"Name":"DIGITAL_SIGNATURE"}],"RenewalEligibility":"ELIGIBLE","Options":{"CertificateTransparencyLoggingPreference":"ENABLED"}}}
                """)])
            let client = makeAWSClient(script)
            let certificate = try await client.describeCertificate(arn: vpnCertificate, region: "eu-west-1")
            #expect(certificate == ACMCertificate(
                certificateArn: vpnCertificate, domainName: "vpn.example.com", status: .issued, keyAlgorithm: .rsa2048, notAfter: 1_826_726_400,
                type: "AMAZON_ISSUED", inUseBy: ["arn:aws:ec2:eu-west-1:111122223333:client-vpn-endpoint/cvpn-endpoint-0123456789abcdef0"]))
            let request = try #require(script.requests.first)
            #expect(request.url == "https://acm.eu-west-1.amazonaws.com/")
            #expect(request.header("X-Amz-Target") == "CertificateManager.DescribeCertificate")
            #expect(request.header("Content-Type") == "application/x-amz-json-1.1")
            #expect((request.header("Authorization") ?? "").hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/eu-west-1/acm/aws4_request, "))
            #expect(script.bodies == [#"{"CertificateArn":"\#(vpnCertificate)"}"#])
        }

        @Test func listCertificatesAsksForRSAKeyTypesAndFollowsNextToken() async throws {
            let script = ScriptedTransport(answers: [
                clientOK("""
                    {"NextToken":"page-2","CertificateSummaryList":[{"CertificateArn":"arn:aws:acm:eu-west-1:111122223333:certificate/a",
                     "DomainName":"vpn.example.com","SubjectAlternativeNameSummaries":["vpn.example.com"],"HasAdditionalSubjectAlternativeNames":false,
                     "Status":"ISSUED","Type":"IMPORTED","KeyAlgorithm":"RSA-1024","KeyUsages":["DIGITAL_SIGNATURE"],"InUse":false,"NotAfter":1826726400}]}
                    """),
                clientOK("""
                    {"CertificateSummaryList":[{"CertificateArn":"arn:aws:acm:eu-west-1:111122223333:certificate/b","DomainName":"server",
                     "Status":"ISSUED","KeyAlgorithm":"RSA-2048"}]}
                    """),
            ])
            let client = makeAWSClient(script)
            let certificates = try await client.listCertificates(statuses: [.issued], keyTypes: [.rsa1024, .rsa2048], region: "eu-west-1")
            #expect(certificates == [
                ACMCertificateSummary(certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/a", domainName: "vpn.example.com",
                                      status: .issued, keyAlgorithm: .rsa1024),
                ACMCertificateSummary(certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/b", domainName: "server",
                                      status: .issued, keyAlgorithm: .rsa2048),
            ])
            #expect(script.bodies == [
                #"{"CertificateStatuses":["ISSUED"],"Includes":{"keyTypes":["RSA_1024","RSA_2048"]},"MaxItems":1000}"#,
                #"{"CertificateStatuses":["ISSUED"],"Includes":{"keyTypes":["RSA_1024","RSA_2048"]},"MaxItems":1000,"NextToken":"page-2"}"#,
            ])
            #expect(script.requests.map { $0.header("X-Amz-Target") } == ["CertificateManager.ListCertificates", "CertificateManager.ListCertificates"])
            #expect(await client.requestCounts == [.listCertificates: 2])
        }

        @Test func anACMErrorIsTyped() async {
            let script = ScriptedTransport(answers: [ScriptedTransport.reply(400, #"{"__type":"ResourceNotFoundException","message":"Could not find certificate arn:c."}"#,
                                                   headers: [("x-amzn-RequestId", "req-acm")])])
            let error = await clientFailure { try await makeAWSClient(script).describeCertificate(arn: "arn:c", region: "eu-west-1") }
            #expect(error == .service(status: 400, code: "ResourceNotFoundException", message: "Could not find certificate arn:c.",
                                      operation: "acm:DescribeCertificate", region: "eu-west-1", requestId: "req-acm"))
        }
    }
}
