#include "export/xml_check.h"

#include <gtest/gtest.h>

#include "export/mdto_xml.h"
#include "support/temp_dir.h"

namespace swfvault::testing {
namespace {

TEST(XmlCheckTest, AcceptsTheMdtoSchemaDocument) {
  const std::string xml = ReadFile(std::string(SWFVAULT_SOURCE_DIR) + "/fixtures/mdto/MDTO-XML1.0.1.xsd");
  EXPECT_TRUE(CheckXmlWellFormed(xml).ok()) << CheckXmlWellFormed(xml).ToString();
}

TEST(XmlCheckTest, AcceptsCommentsCdataEntitiesAndSelfClosingTags) {
  EXPECT_TRUE(CheckXmlWellFormed("<?xml version=\"1.0\"?>\n<!-- c --><a x='1' y=\"&amp;\"><b/>"
                                 "<![CDATA[<raw>]]>&lt;&#65;&#x42;</a>\n").ok());
}

TEST(XmlCheckTest, RejectsBrokenDocuments) {
  const char* bad[] = {"<a>",           "<a></b>",          "<a/><b/>",      "text<a/>",
                       "<a>&nbsp;</a>", "<a x=1/>",         "<a x='1' x='2'/>", "<!DOCTYPE a><a/>",
                       "<a><</a>",      "<a>\x01</a>",      "<a>\xC3</a>",   "",
                       "<a x='<'/>",    "<a>]]></a>",       "</a>",          "<1a/>",
                       "<a>&#0;</a>",   "<a>&#xD800;</a>",  "<a>&#xFFFE;</a>", "<a>&#x110000;</a>",
                       "<a>&#99999999999;</a>", "<a/><?xml version=\"1.0\"?>"};
  for (const char* x : bad) {
    Status s = CheckXmlWellFormed(x);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << "accepted: " << x;
  }
}

TEST(XmlCheckTest, XmlTextEscapesAndDropsForbiddenCharacters) {
  EXPECT_EQ(XmlText("a<b>&\"'\x01\xFF"), "a&lt;b&gt;&amp;&quot;&apos;?");
  EXPECT_TRUE(CheckXmlWellFormed("<a>" + XmlText(std::string("x\0y\x1F\xC3\xA9", 6)) + "</a>").ok());
}

TEST(XmlCheckTest, MdtoValuesAreRequiredAndBewaartermijnIsADuration) {
  EXPECT_TRUE(CheckMdtoValues({"B", "Gemeente A", "P20Y"}).ok());
  EXPECT_TRUE(CheckMdtoValues({"V", "Gemeente A", "P1Y6M"}).ok());
  EXPECT_TRUE(CheckMdtoValues({"V", "Gemeente A", "PT36H"}).ok());
  EXPECT_EQ(CheckMdtoValues({"", "Gemeente A", "P20Y"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckMdtoValues({"B", "Gemeente A", "20 jaar"}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace swfvault::testing
