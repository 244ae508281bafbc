/**
 * Names of the numbers in a Sysmon DNS query (event 22): the record types of `QueryResults` (`type:  5`
 * is a CNAME; IANA's DNS parameters) and the common `QueryStatus` codes (Win32 and DNS API error codes,
 * as Microsoft documents them). A number not listed stays a number.
 */
export const DNS_RECORD_TYPES: Record<string, string> = {
  '1': 'A', '2': 'NS', '5': 'CNAME', '6': 'SOA', '12': 'PTR', '13': 'HINFO', '15': 'MX', '16': 'TXT',
  '17': 'RP', '18': 'AFSDB', '24': 'SIG', '25': 'KEY', '28': 'AAAA', '29': 'LOC', '33': 'SRV',
  '35': 'NAPTR', '36': 'KX', '37': 'CERT', '39': 'DNAME', '41': 'OPT', '43': 'DS', '46': 'RRSIG',
  '47': 'NSEC', '48': 'DNSKEY', '49': 'DHCID', '50': 'NSEC3', '51': 'NSEC3PARAM', '52': 'TLSA',
  '64': 'SVCB', '65': 'HTTPS', '99': 'SPF', '249': 'TKEY', '250': 'TSIG', '251': 'IXFR', '252': 'AXFR',
  '255': 'ANY', '257': 'CAA', '65281': 'WINS', '65282': 'WINSR',
};

export const DNS_QUERY_STATUS: Record<string, string> = {
  '0': 'SUCCESS',
  '5': 'ERROR_ACCESS_DENIED',
  '8': 'ERROR_NOT_ENOUGH_MEMORY',
  '13': 'ERROR_INVALID_DATA',
  '14': 'ERROR_OUTOFMEMORY',
  '123': 'ERROR_INVALID_NAME',
  '1214': 'ERROR_INVALID_NETNAME',
  '1223': 'ERROR_CANCELLED',
  '1460': 'ERROR_TIMEOUT',
  '4312': 'ERROR_OBJECT_NOT_FOUND',
  '9001': 'DNS_ERROR_RCODE_FORMAT_ERROR',
  '9002': 'DNS_ERROR_RCODE_SERVER_FAILURE',
  '9003': 'DNS_ERROR_RCODE_NAME_ERROR',
  '9004': 'DNS_ERROR_RCODE_NOT_IMPLEMENTED',
  '9005': 'DNS_ERROR_RCODE_REFUSED',
  '9501': 'DNS_INFO_NO_RECORDS',
  '9502': 'DNS_ERROR_BAD_PACKET',
  '9503': 'DNS_ERROR_NO_PACKET',
  '9504': 'DNS_ERROR_RCODE',
  '9505': 'DNS_ERROR_UNSECURE_PACKET',
  '9506': 'DNS_REQUEST_PENDING',
  '9560': 'DNS_ERROR_INVALID_NAME_CHAR',
  '9561': 'DNS_ERROR_NUMERIC_NAME',
  '9701': 'DNS_ERROR_RECORD_DOES_NOT_EXIST',
  '9714': 'DNS_ERROR_NAME_DOES_NOT_EXIST',
  '9851': 'DNS_ERROR_NO_TCPIP',
  '9852': 'DNS_ERROR_NO_DNS_SERVERS',
  '10054': 'WSAECONNRESET',
  '10055': 'WSAENOBUFS',
  '10060': 'WSAETIMEDOUT',
};
